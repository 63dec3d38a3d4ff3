# Writes INPUT (a JSON or other text file) into OUTPUT as a C++ string constant named
# VARIABLE (default kManifestJson).
if(NOT VARIABLE)
  set(VARIABLE kManifestJson)
endif()
file(READ ${INPUT} content)
string(FIND "${content}" ")LGMANIFEST\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the raw-string delimiter")
endif()
file(WRITE ${OUTPUT} "// Generated from ${INPUT}; edit that file instead.\n#pragma once\nstatic constexpr const char* ${VARIABLE} = R\"LGMANIFEST(${content})LGMANIFEST\";\n")
