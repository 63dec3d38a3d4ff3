// Parses .env files: KEY=value lines, '#' comments, optional `export `,
// single or double quotes. Pure: no environment is touched here.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace lagentry::host {

struct DotenvResult {
  std::map<std::string, std::string> values;
  std::string error;  // "line 3: expected KEY=value", empty when fine
};

DotenvResult parse_dotenv(std::string_view text);

}  // namespace lagentry::host
