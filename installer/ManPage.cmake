# Writes a gzip'd man page from a program's --help (and its commands' --help), at build time:
#   cmake -DPROGRAM=exe -DNAME=mollichrom-cli -DSUMMARY="..." -DVERSION=0.1.0
#         [-DCOMMANDS=listed | -DCOMMANDS="info;bench io"] [-DSEEALSO=mollichrom] -DOUT=file.1.gz
#         -P ManPage.cmake
# COMMANDS=listed takes the commands the program's --help lists (its one command table), so a
# new command is in the man page without being named here.
# The help texts are the reference; the man page cannot drift from them.
function(help_of out)
  execute_process(COMMAND ${PROGRAM} ${ARGN} --help OUTPUT_VARIABLE text RESULT_VARIABLE rc
                  ERROR_QUIET)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${PROGRAM} ${ARGN} --help failed (${rc})")
  endif()
  # troff: backslashes doubled, lines starting with . or ' protected.
  string(REPLACE "\\" "\\\\" text "${text}")
  string(REGEX REPLACE "(^|\n)([.'])" "\\1\\\\&\\2" text "${text}")
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

string(TOUPPER "${NAME}" upper)
string(TIMESTAMP date "%Y-%m-%d" UTC)
if(DEFINED ENV{SOURCE_DATE_EPOCH})
  string(TIMESTAMP date "%Y-%m-%d" UTC)  # honoured by string(TIMESTAMP) itself
endif()
help_of(main)
set(page ".TH ${upper} 1 \"${date}\" \"${NAME} ${VERSION}\" \"User Commands\"\n")
string(APPEND page ".SH NAME\n${NAME} \\- ${SUMMARY}\n.SH DESCRIPTION\n.nf\n${main}.fi\n")
if(COMMANDS STREQUAL "listed")
  set(COMMANDS "")
  string(REGEX REPLACE ".*\nCommands[^\n]*\n" "" listed "${main}")
  string(REGEX REPLACE "\n\n.*" "" listed "${listed}")
  string(REPLACE "\n" ";" lines "${listed}")
  foreach(line IN LISTS lines)
    if(line MATCHES "^  ([a-z][a-z -]*[a-z])  ")
      list(APPEND COMMANDS "${CMAKE_MATCH_1}")
    endif()
  endforeach()
  if(NOT COMMANDS)
    message(FATAL_ERROR "${PROGRAM} --help lists no commands")
  endif()
endif()
if(COMMANDS)
  string(APPEND page ".SH COMMANDS\n")
  foreach(c IN LISTS COMMANDS)
    string(REPLACE " " ";" words "${c}")
    help_of(text ${words})
    string(APPEND page ".SS ${c}\n.nf\n${text}.fi\n")
  endforeach()
endif()
if(SEEALSO)
  string(APPEND page ".SH SEE ALSO\n.BR ${SEEALSO} (1)\n")
endif()
get_filename_component(dir "${OUT}" DIRECTORY)
file(MAKE_DIRECTORY "${dir}")
string(REGEX REPLACE "\\.gz$" "" plain "${OUT}")
file(WRITE "${plain}" "${page}")
# -n: no name or time stamp in the header (reproducible; lintian's timestamped-gzip).
execute_process(COMMAND gzip -9nf "${plain}" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "gzip ${plain} failed")
endif()
