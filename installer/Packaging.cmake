# Install rules and the Debian package (cpack -G DEB) for Mollichrom, lintian-clean: Debian
# file name, a real maintainer (set at configure time), a long description, copyright and
# changelog in /usr/share/doc, man pages generated from --help, stripped and hardened binaries.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)
# Three packages: mollichrom (the programs), libmollichrom-mollifier0 (the mollifier layer's
# shared library) and mollichrom-dev (its headers and CMake package). Rules without a component
# belong to the programs.
set(CMAKE_INSTALL_DEFAULT_COMPONENT_NAME runtime)

set(MOLLICHROM_MAINTAINER "Mollichrom developers <mollichrom@users.noreply.github.com>"
    CACHE STRING "Maintainer of the Debian package: \"Name <address>\"")
set(MOLLICHROM_HOMEPAGE "https://github.com/mollichrom/mollichrom" CACHE STRING "Project home page")
set(doc ${CMAKE_INSTALL_DATADIR}/doc/mollichrom)

install(TARGETS mollichrom-cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
if(TARGET mollichrom)
  install(TARGETS mollichrom RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  install(FILES ${PROJECT_SOURCE_DIR}/resources/mollichrom.desktop
          DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
  install(FILES ${PROJECT_SOURCE_DIR}/resources/mollichrom.svg
          DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)
endif()
install(DIRECTORY ${PROJECT_SOURCE_DIR}/sample_data/ DESTINATION ${CMAKE_INSTALL_DATADIR}/mollichrom/sample_data)

# Copyright, changelog (gzip -9n: no time stamp in the header).
install(FILES ${PROJECT_SOURCE_DIR}/installer/copyright DESTINATION ${doc})
configure_file(${PROJECT_SOURCE_DIR}/installer/changelog.in ${CMAKE_BINARY_DIR}/installer/changelog.Debian @ONLY)
add_custom_command(
  OUTPUT ${CMAKE_BINARY_DIR}/installer/changelog.Debian.gz
  COMMAND gzip -9nkf ${CMAKE_BINARY_DIR}/installer/changelog.Debian
  DEPENDS ${CMAKE_BINARY_DIR}/installer/changelog.Debian)

# Man pages from the programs' --help (the GUI answers --help without a display).
set(man ${CMAKE_BINARY_DIR}/installer/man)
add_custom_command(
  OUTPUT ${man}/mollichrom-cli.1.gz
  COMMAND ${CMAKE_COMMAND} -DPROGRAM=$<TARGET_FILE:mollichrom-cli> -DNAME=mollichrom-cli
          "-DSUMMARY=infer epigenetic reaction-rate maps from chromatin stacks, headless"
          -DVERSION=${PROJECT_VERSION}
          -DCOMMANDS=listed
          -DSEEALSO=mollichrom -DOUT=${man}/mollichrom-cli.1.gz -P ${PROJECT_SOURCE_DIR}/installer/ManPage.cmake
  DEPENDS mollichrom-cli ${PROJECT_SOURCE_DIR}/installer/ManPage.cmake
  COMMENT "man page mollichrom-cli(1)")
set(pages ${man}/mollichrom-cli.1.gz)
if(TARGET mollichrom)
  add_custom_command(
    OUTPUT ${man}/mollichrom.1.gz
    COMMAND ${CMAKE_COMMAND} -DPROGRAM=$<TARGET_FILE:mollichrom> -DNAME=mollichrom
            "-DSUMMARY=infer epigenetic reaction-rate maps from chromatin microscopy"
            -DVERSION=${PROJECT_VERSION} -DSEEALSO=mollichrom-cli -DOUT=${man}/mollichrom.1.gz
            -P ${PROJECT_SOURCE_DIR}/installer/ManPage.cmake
    DEPENDS mollichrom ${PROJECT_SOURCE_DIR}/installer/ManPage.cmake
    COMMENT "man page mollichrom(1)")
  list(APPEND pages ${man}/mollichrom.1.gz)
endif()
add_custom_target(package_docs ALL DEPENDS ${pages} ${CMAKE_BINARY_DIR}/installer/changelog.Debian.gz)
install(FILES ${pages} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
# Not for the Debian archive: its first upload closes no ITP bug (lintian's
# initial-upload-closes-no-bugs), said once in an override shipped with the package.
install(FILES ${PROJECT_SOURCE_DIR}/installer/lintian-overrides
        DESTINATION ${CMAKE_INSTALL_DATADIR}/lintian/overrides RENAME mollichrom)
# The compiler's .comment section goes, as Debian's dh_strip removes it (CPack's strip keeps it).
set(programs mollichrom-cli)
if(TARGET mollichrom)
  list(APPEND programs mollichrom)
endif()
foreach(p IN LISTS programs)
  install(CODE "execute_process(COMMAND ${CMAKE_OBJCOPY} --remove-section=.comment
                \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}/${p}\")")
endforeach()
install(FILES ${CMAKE_BINARY_DIR}/installer/changelog.Debian.gz DESTINATION ${doc})

# The mollifier library: find_package(Mollichrom) → Mollichrom::mollifier.
install(TARGETS mollichrom_mollifier EXPORT MollichromTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT lib NAMELINK_COMPONENT dev)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/core/mollifier/
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/mollichrom/core/mollifier COMPONENT dev
        FILES_MATCHING PATTERN "*.h")
set(cmakedir ${CMAKE_INSTALL_LIBDIR}/cmake/Mollichrom)
install(EXPORT MollichromTargets NAMESPACE Mollichrom:: DESTINATION ${cmakedir} COMPONENT dev)
configure_package_config_file(${PROJECT_SOURCE_DIR}/installer/MollichromConfig.cmake.in
                              ${CMAKE_BINARY_DIR}/installer/MollichromConfig.cmake INSTALL_DESTINATION ${cmakedir})
write_basic_package_version_file(${CMAKE_BINARY_DIR}/installer/MollichromConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/installer/MollichromConfig.cmake
              ${CMAKE_BINARY_DIR}/installer/MollichromConfigVersion.cmake
        DESTINATION ${cmakedir} COMPONENT dev)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/examples/ DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/mollichrom-dev/examples
        COMPONENT dev)
# Every package carries its copyright and changelog.
foreach(c IN ITEMS lib dev)
  set(name libmollichrom-mollifier0)
  if(c STREQUAL "dev")
    set(name mollichrom-dev)
  endif()
  install(FILES ${PROJECT_SOURCE_DIR}/installer/copyright ${CMAKE_BINARY_DIR}/installer/changelog.Debian.gz
          DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/${name} COMPONENT ${c})
  file(WRITE ${CMAKE_BINARY_DIR}/installer/overrides-${name} "${name}: initial-upload-closes-no-bugs\n")
  install(FILES ${CMAKE_BINARY_DIR}/installer/overrides-${name}
          DESTINATION ${CMAKE_INSTALL_DATADIR}/lintian/overrides RENAME ${name} COMPONENT ${c})
endforeach()
install(CODE "execute_process(COMMAND ${CMAKE_OBJCOPY} --remove-section=.comment
              \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_LIBDIR}/$<TARGET_FILE_NAME:mollichrom_mollifier>\")"
        COMPONENT lib)

set(CPACK_PACKAGE_NAME "mollichrom")
set(CPACK_PACKAGE_VENDOR "The Mollichrom developers")
set(CPACK_PACKAGE_CONTACT "${MOLLICHROM_MAINTAINER}")
# CPack puts a summary that differs from its default before every component's description; the
# components carry their own synopses, so the summary is left at CPack's default.
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${CMAKE_PROJECT_NAME} built using CMake")
set(CPACK_RESOURCE_FILE_LICENSE "${PROJECT_SOURCE_DIR}/LICENSE")
set(CPACK_GENERATOR "DEB;TGZ")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # mollichrom_0.1.0-1_amd64.deb
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${MOLLICHROM_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "${MOLLICHROM_HOMEPAGE}")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# fonts-dejavu-core: the panels draw Greek names and units with DejaVu Sans (ui/vtk/TextFont.h).
# libopenblas0-openmp: LibTorch finds it only through Debian's BLAS alternatives (25x faster).
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libopenblas0-openmp, fonts-dejavu-core")
set(CPACK_DEBIAN_PACKAGE_SECTION "science")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
# The extended description: CPack takes it from CPACK_PACKAGE_DESCRIPTION (lines indented by it).
# Lines under 80 columns (CPack indents them by one space).
set(CPACK_PACKAGE_DESCRIPTION
    "Mollichrom fits the fourth-order reaction-diffusion model of chromatin to a
chromatin-density channel and a heterochromatin-marker channel (a time-lapse,
or one super-resolution snapshot at steady state) and outputs a spatial map of
the rate ratio lambda = Gamma_me / Gamma_ac, with M and Gamma_ac where the
data determine them, for every nucleus in the field. Derivatives come from
mollifier layers: the fields are convolved with the analytic derivatives of a
smooth kernel, which keeps fourth derivatives stable on noisy images.
.
The package holds the desktop application (mollichrom: Qt and VTK panels,
live training, calibrated exports, projects), the headless command line
(mollichrom-cli: info, simulate, infer, benchmarks) and a simulated sample
stack with its true lambda map.")
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL runtime lib dev)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME "mollichrom")
set(CPACK_DEBIAN_LIB_PACKAGE_NAME "libmollichrom-mollifier0")
set(CPACK_DEBIAN_DEV_PACKAGE_NAME "mollichrom-dev")
# slurm-client: `mollichrom-cli batch --slurm --submit` calls sbatch, squeue and sacct.
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SUGGESTS "slurm-client")
set(CPACK_DEBIAN_LIB_PACKAGE_SECTION "libs")
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION "libdevel")
set(CPACK_DEBIAN_LIB_PACKAGE_DEPENDS "")
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS
    "libmollichrom-mollifier0 (= ${PROJECT_VERSION}-1), libtorch-dev")
set(CPACK_DEBIAN_DEV_PACKAGE_SHLIBDEPS OFF)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)  # only the library package has one
# ldconfig by trigger, not by maintainer scripts (lintian's maintscript-calls-ldconfig): our
# own no-op postinst/postrm stop CPack writing ones that call it.
set(CPACK_DEBIAN_LIB_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/installer/lib/triggers ${PROJECT_SOURCE_DIR}/installer/lib/postinst
    ${PROJECT_SOURCE_DIR}/installer/lib/postrm)
set(CPACK_DEBIAN_LIB_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_COMPONENT_RUNTIME_DESCRIPTION "reaction-rate maps of chromatin from microscopy\n${CPACK_PACKAGE_DESCRIPTION}")
set(CPACK_COMPONENT_LIB_DESCRIPTION "mollifier layers for LibTorch (shared library)
The mollifier layer of Mollichrom as a library: every requested derivative of a
gridded field, up to fourth order, in one batched convolution with the analytic
derivatives of a smooth compact kernel, d^k (g * eta) = g * d^k eta, instead
of recursive automatic differentiation; direct or FFT evaluation. A
torch::nn::Module that drops into other LibTorch networks.
.
This package holds the shared library.")
set(CPACK_COMPONENT_DEV_DESCRIPTION "mollifier layers for LibTorch (development files)
The mollifier layer of Mollichrom as a library: every requested derivative of a
gridded field, up to fourth order, in one batched convolution with the analytic
derivatives of a smooth compact kernel, instead of recursive automatic
differentiation.
.
This package holds the headers, the CMake package (find_package(Mollichrom)
gives the target Mollichrom::mollifier) and an example that trains a network
with the layer's fourth derivatives.")
include(CPack)
