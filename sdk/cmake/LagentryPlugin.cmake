# lagentry_add_plugin(<name> SOURCES <files...> [OUTPUT_DIRECTORY <dir>])
#
# Builds a Lagentry provider plugin: a shared library named <name>.so with
# only the entry point exported. -fno-gnu-unique keeps the dynamic linker from
# pinning the library in memory (STB_GNU_UNIQUE symbols from inline statics
# and templates would otherwise make dlclose a no-op and defeat hot reload).
function(lagentry_add_plugin name)
  cmake_parse_arguments(ARG "" "OUTPUT_DIRECTORY" "SOURCES" ${ARGN})
  add_library(${name} MODULE ${ARG_SOURCES})
  if(TARGET Lagentry::sdk)
    target_link_libraries(${name} PRIVATE Lagentry::sdk)
  else()
    target_link_libraries(${name} PRIVATE lagentry_sdk)
  endif()
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    CXX_VISIBILITY_PRESET hidden
    C_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(${name} PRIVATE -fno-gnu-unique)
  endif()
  if(NOT APPLE)
    target_link_options(${name} PRIVATE -Wl,--no-undefined)
  endif()
  if(ARG_OUTPUT_DIRECTORY)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${ARG_OUTPUT_DIRECTORY})
  endif()
endfunction()
