#pragma once
// VtkView: a Qt 6 widget hosting a VTK render window.
//
// Debian's VTK ships its Qt widgets for Qt 5 only, so this adaptor is ours. VTK renders
// into its own framebuffer inside the widget's GL context (vtkGenericOpenGLRenderWindow
// with FrameBlitMode NoBlit); paintGL() then blits that framebuffer into the widget's
// framebuffer. Mouse, wheel and key events are forwarded to a VTK interactor.
#include <QOpenGLWidget>

#include <vtkSmartPointer.h>

class vtkGenericOpenGLRenderWindow;
class vtkGenericRenderWindowInteractor;
class vtkObject;
class vtkRenderWindowInteractor;

namespace mollichrom::ui {

class VtkView : public QOpenGLWidget {
  Q_OBJECT
 public:
  explicit VtkView(QWidget* parent = nullptr);
  ~VtkView() override;

  vtkGenericOpenGLRenderWindow* renderWindow() const;
  vtkRenderWindowInteractor* interactor() const;

  // Ask for a VTK render at the next paint (call after changing the scene).
  void requestRender();

  // The OpenGL format VTK needs (3.2 core, depth, stencil). Set it as the default
  // before the QApplication is created.
  static QSurfaceFormat defaultFormat();

 protected:
  void initializeGL() override;
  void resizeGL(int w, int h) override;
  void paintGL() override;

  void mousePressEvent(QMouseEvent* e) override;
  void mouseReleaseEvent(QMouseEvent* e) override;
  void mouseDoubleClickEvent(QMouseEvent* e) override;
  void mouseMoveEvent(QMouseEvent* e) override;
  void wheelEvent(QWheelEvent* e) override;
  void keyPressEvent(QKeyEvent* e) override;
  void keyReleaseEvent(QKeyEvent* e) override;
  void enterEvent(QEnterEvent* e) override;
  void leaveEvent(QEvent* e) override;

 private Q_SLOTS:
  void onContextAboutToBeDestroyed();

 private:
  void onWindowEvent(vtkObject* caller, unsigned long eventId, void* callData);
  void onInteractorRender(vtkObject* caller, unsigned long eventId, void* callData);
  void releaseGL();
  bool blitToWidget();
  void setEventPosition(const QPointF& pos, Qt::KeyboardModifiers mods, int repeat = 0);

  vtkSmartPointer<vtkGenericOpenGLRenderWindow> window_;
  vtkSmartPointer<vtkGenericRenderWindowInteractor> interactor_;
  bool glReady_ = false;
  bool renderPending_ = true;
  bool inPaint_ = false;
};

}  // namespace mollichrom::ui
