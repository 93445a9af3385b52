# Every third-party package comes from Debian 12 (scripts/install-deps.sh installs them).

# Qt 6. QT_NO_KEYWORDS because Qt's `slots`/`signals` macros break LibTorch headers.
find_package(Qt6 6.2 REQUIRED COMPONENTS Core Gui Widgets OpenGL OpenGLWidgets Concurrent Test)
set(CMAKE_AUTOMOC OFF) # enabled per target, so moc never reads torch headers
add_compile_definitions(QT_NO_KEYWORDS)

# LibTorch (Debian's libtorch-dev, CPU build). Not needed by the fuzzing build (I/O only).
if(NOT MOLLICHROM_FUZZ)
  find_package(Torch REQUIRED)
endif()

# OpenCV: only the modules we need (video: ECC registration). Never highgui: it pulls in Qt 5.
find_package(OpenCV REQUIRED COMPONENTS core imgproc imgcodecs video)

find_package(TIFF REQUIRED)

if(MOLLICHROM_BUILD_GUI)
  # Debian's VTK config references MPI::MPI_C even for non-MPI modules.
  find_package(MPI REQUIRED COMPONENTS C)
  # Only non-Qt modules: Debian's VTK Qt modules are built against Qt 5.
  find_package(VTK REQUIRED COMPONENTS
    CommonCore CommonDataModel CommonColor CommonExecutionModel
    RenderingCore RenderingOpenGL2 RenderingAnnotation RenderingFreeType
    RenderingContextOpenGL2 RenderingImage
    InteractionStyle InteractionImage
    ImagingCore FiltersSources
    ChartsCore ViewsContext2D)
  set(MOLLICHROM_VTK_VERSION "${VTK_VERSION}")
else()
  set(MOLLICHROM_VTK_VERSION "not built")
endif()
