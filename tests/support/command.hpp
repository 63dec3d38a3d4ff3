// Runs a shell command for a test and collects what it prints.
#pragma once

#include <string>

namespace lagentry::test {

struct CommandResult {
  int exit_code = -1;  // the command's exit status; -1 when it could not run or was killed
  std::string output;  // stdout (and stderr when the command redirects it)
};

CommandResult run_command(const std::string& command);

// Quotes a string for the shell ('...').
std::string shell_quote(const std::string& text);

}  // namespace lagentry::test
