# Writes a C++ source holding every file under TEMPLATE_DIR (except its
# README.md) as a raw string literal, so that an installed `trawl` needs no
# data files for startproject and genspider. Run as a build step:
#   cmake -DTEMPLATE_DIR=... -DOUTPUT=... -P TrawlEmbedTemplates.cmake
# The generated file defines trawl::cli::embedded_templates()
# (framework/src/cli/project_generator.hpp).

if(NOT TEMPLATE_DIR OR NOT OUTPUT)
  message(FATAL_ERROR "TrawlEmbedTemplates.cmake: set TEMPLATE_DIR and OUTPUT")
endif()

set(delimiter "trawl_template")
file(GLOB_RECURSE files RELATIVE ${TEMPLATE_DIR} ${TEMPLATE_DIR}/*)
list(SORT files)
set(body "")
foreach(file IN LISTS files)
  if(file STREQUAL "README.md")
    continue()
  endif()
  file(READ ${TEMPLATE_DIR}/${file} text)
  string(FIND "${text}" ")${delimiter}\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${file} contains the raw string delimiter )${delimiter}\"")
  endif()
  string(APPEND body "        {\"${file}\", R\"${delimiter}(${text})${delimiter}\"},\n")
endforeach()

set(source "// Generated from templates/ by cmake/TrawlEmbedTemplates.cmake: do not edit.
#include \"cli/project_generator.hpp\"

namespace trawl::cli {

const std::vector<EmbeddedTemplate>& embedded_templates()
{
    static const std::vector<EmbeddedTemplate> templates{
${body}    };
    return templates;
}

} // namespace trawl::cli
")
# Rewritten only when it changes, so that an unchanged template set does
# not recompile anything.
if(EXISTS ${OUTPUT})
  file(READ ${OUTPUT} old)
  if(old STREQUAL source)
    return()
  endif()
endif()
file(WRITE ${OUTPUT} "${source}")
