# Debian's default hardening (dpkg-buildflags with hardening=+all): stack protector, format
# checks, _FORTIFY_SOURCE, position-independent executables, full RELRO and immediate binding
# (lintian's hardening-no-bindnow / hardening-no-fortify-functions). Release-type builds only:
# _FORTIFY_SOURCE needs optimisation, and sanitizer/fuzz builds manage their own flags.
include(CheckPIESupported)
check_pie_supported()
set(CMAKE_POSITION_INDEPENDENT_CODE ON)
if(NOT MOLLICHROM_FUZZ)
  add_compile_options(-fstack-protector-strong -Wformat -Werror=format-security
                      $<$<NOT:$<CONFIG:Debug>>:-D_FORTIFY_SOURCE=2>)
  add_link_options(-Wl,-z,relro -Wl,-z,now)
endif()
