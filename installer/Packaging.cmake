# Install rules and a Debian package (cpack -G DEB) for Mollichrom.
include(GNUInstallDirs)
install(TARGETS mollichrom-cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
if(TARGET mollichrom)
  install(TARGETS mollichrom RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  install(FILES ${PROJECT_SOURCE_DIR}/resources/mollichrom.desktop
          DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
  install(FILES ${PROJECT_SOURCE_DIR}/resources/mollichrom.svg
          DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)
endif()
install(DIRECTORY ${PROJECT_SOURCE_DIR}/sample_data/ DESTINATION ${CMAKE_INSTALL_DATADIR}/mollichrom/sample_data)

set(CPACK_PACKAGE_NAME "mollichrom")
set(CPACK_PACKAGE_VENDOR "Mollichrom developers")
set(CPACK_PACKAGE_CONTACT "mollichrom@localhost")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_GENERATOR "DEB;TGZ")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# fonts-dejavu-core: the panels draw Greek names and units with DejaVu Sans (ui/vtk/TextFont.h).
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libopenblas0-openmp, fonts-dejavu-core")
set(CPACK_DEBIAN_PACKAGE_SECTION "science")
include(CPack)
