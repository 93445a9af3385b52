# Warnings on for our code; third-party headers are included as SYSTEM so they stay quiet.
function(mollichrom_warnings target)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE -Wall -Wextra)
  endif()
endfunction()
