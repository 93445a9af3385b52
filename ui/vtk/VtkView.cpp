#include "ui/vtk/VtkView.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QOpenGLContext>
#include <QOpenGLExtraFunctions>
#include <QWheelEvent>

#include <vtkCommand.h>
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkGenericRenderWindowInteractor.h>
#include <vtkOpenGLFramebufferObject.h>
#include <vtkOpenGLState.h>
#include "ui/vtk/PanZoomStyle.h"

namespace mollichrom::ui {

QSurfaceFormat VtkView::defaultFormat() {
  QSurfaceFormat fmt;
  fmt.setRenderableType(QSurfaceFormat::OpenGL);
  fmt.setVersion(3, 2);
  fmt.setProfile(QSurfaceFormat::CoreProfile);
  fmt.setSwapBehavior(QSurfaceFormat::DoubleBuffer);
  fmt.setRedBufferSize(8);
  fmt.setGreenBufferSize(8);
  fmt.setBlueBufferSize(8);
  fmt.setDepthBufferSize(24);
  fmt.setStencilBufferSize(8);
  fmt.setAlphaBufferSize(8);
  fmt.setSamples(0);  // VTK does its own anti-aliasing where asked; MSAA breaks the blit.
  return fmt;
}

VtkView::VtkView(QWidget* parent)
    : QOpenGLWidget(parent),
      window_(vtkSmartPointer<vtkGenericOpenGLRenderWindow>::New()),
      interactor_(vtkSmartPointer<vtkGenericRenderWindowInteractor>::New()) {
  setFormat(defaultFormat());
  setFocusPolicy(Qt::StrongFocus);
  setMouseTracking(true);
  setMinimumSize(64, 64);
  setUpdateBehavior(QOpenGLWidget::NoPartialUpdate);

  // VTK must not blit anywhere itself: paintGL() copies its framebuffer into ours.
  window_->SetFrameBlitModeToNoBlit();
  window_->SetReadyForRendering(false);
  window_->SetMultiSamples(0);

  interactor_->SetRenderWindow(window_);
  auto style = vtkSmartPointer<PanZoomStyle>::New();
  interactor_->SetInteractorStyle(style);
  interactor_->Initialize();
  // Interactor renders go through paintGL, where VTK's GL state cache is re-synchronised
  // with what Qt did to the context; rendering from inside an event handler would not be.
  interactor_->EnableRenderOff();
  interactor_->AddObserver(vtkCommand::RenderEvent, this, &VtkView::onInteractorRender);

  for (unsigned long ev : {vtkCommand::WindowMakeCurrentEvent, vtkCommand::WindowIsCurrentEvent,
                           vtkCommand::WindowFrameEvent}) {
    window_->AddObserver(ev, this, &VtkView::onWindowEvent);
  }
}

VtkView::~VtkView() {
  makeCurrent();
  releaseGL();
  doneCurrent();
  window_->RemoveObservers(vtkCommand::WindowMakeCurrentEvent);
  window_->RemoveObservers(vtkCommand::WindowIsCurrentEvent);
  window_->RemoveObservers(vtkCommand::WindowFrameEvent);
  interactor_->RemoveObservers(vtkCommand::RenderEvent);
}

vtkGenericOpenGLRenderWindow* VtkView::renderWindow() const { return window_; }
vtkRenderWindowInteractor* VtkView::interactor() const { return interactor_; }

void VtkView::requestRender() {
  renderPending_ = true;
  update();
}

void VtkView::onInteractorRender(vtkObject*, unsigned long, void*) { requestRender(); }

void VtkView::onWindowEvent(vtkObject*, unsigned long eventId, void* callData) {
  switch (eventId) {
    case vtkCommand::WindowMakeCurrentEvent:
      // Not QOpenGLWidget::makeCurrent(): that also binds the widget's framebuffer, behind
      // the back of VTK's GL state cache, and VTK calls MakeCurrent in the middle of
      // building its own framebuffers (its attachments then land in ours).
      if (auto* ctx = context(); ctx && QOpenGLContext::currentContext() != ctx)
        ctx->makeCurrent(ctx->surface());
      break;
    case vtkCommand::WindowIsCurrentEvent: {
      auto* ctx = QOpenGLContext::currentContext();
      *static_cast<bool*>(callData) = ctx && ctx == context();
      break;
    }
    case vtkCommand::WindowFrameEvent:
      // A render happened outside paintGL (e.g. from the interactor): show it.
      if (!inPaint_) {
        renderPending_ = false;
        update();
      }
      break;
    default:
      break;
  }
}

void VtkView::initializeGL() {
  if (glReady_) releaseGL();
  // Qt recreates the context when the widget is re-parented to another top-level window.
  connect(context(), &QOpenGLContext::aboutToBeDestroyed, this,
          &VtkView::onContextAboutToBeDestroyed, Qt::UniqueConnection);
  window_->GetState()->Reset();
  window_->GetState()->vtkglDepthFunc(GL_LEQUAL);  // Qt leaves GL_LESS; VTK expects LEQUAL
  window_->SetOwnContext(0);
  window_->SetReadyForRendering(true);
  window_->SetForceMaximumHardwareLineWidth(1);
  const qreal dpr = devicePixelRatioF();
  window_->SetSize(qMax(1, qRound(width() * dpr)), qMax(1, qRound(height() * dpr)));
  window_->OpenGLInitContext();
  glReady_ = true;
  renderPending_ = true;
}

void VtkView::onContextAboutToBeDestroyed() {
  makeCurrent();
  releaseGL();
  doneCurrent();
}

void VtkView::releaseGL() {
  if (!glReady_) return;
  window_->Finalize();  // frees VTK's GL resources while the context is current
  window_->SetReadyForRendering(false);
  glReady_ = false;
}

void VtkView::resizeGL(int w, int h) {
  const qreal dpr = devicePixelRatioF();
  const int pw = qRound(w * dpr), ph = qRound(h * dpr);
  interactor_->UpdateSize(pw, ph);  // also resizes the render window
  window_->SetSize(pw, ph);
  renderPending_ = true;
}

void VtkView::paintGL() {
  if (!glReady_) return;
  // Qt changed GL state (framebuffer bindings, viewport, depth function) behind VTK's
  // state cache: re-read it, and restore Qt's state when we are done.
  vtkOpenGLState* state = window_->GetState();
  state->Reset();
  state->Push();
  state->vtkglDepthFunc(GL_LEQUAL);
  if (renderPending_) {
    inPaint_ = true;
    window_->Render();
    inPaint_ = false;
  }
  renderPending_ = false;
  makeCurrent();  // a render may have switched contexts (other widgets' progress updates)
  blitToWidget();
  state->Pop();
}

bool VtkView::blitToWidget() {
  auto* f = context()->extraFunctions();
  if (!f) return false;
  const qreal dpr = devicePixelRatioF();
  const int w = qRound(width() * dpr), h = qRound(height() * dpr);
  f->glBindFramebuffer(GL_DRAW_FRAMEBUFFER, defaultFramebufferObject());
  const GLenum buffers[1] = {GL_COLOR_ATTACHMENT0};
  f->glDrawBuffers(1, buffers);
  const GLboolean scissor = f->glIsEnabled(GL_SCISSOR_TEST);
  if (scissor) {
    window_->GetState()->vtkglDisable(GL_SCISSOR_TEST);
    f->glDisable(GL_SCISSOR_TEST);
  }
  int* size = window_->GetRenderFramebuffer()->GetLastSize();
  window_->BlitDisplayFramebuffer(0, 0, 0, size[0], size[1], 0, 0, w, h, GL_COLOR_BUFFER_BIT,
                                  GL_NEAREST);
  // Opaque alpha: otherwise compositors (and Mesa) blend us with what is behind the window.
  f->glColorMask(GL_FALSE, GL_FALSE, GL_FALSE, GL_TRUE);
  f->glClearColor(0, 0, 0, 1);
  f->glViewport(0, 0, w, h);
  f->glClear(GL_COLOR_BUFFER_BIT);
  f->glColorMask(GL_TRUE, GL_TRUE, GL_TRUE, GL_TRUE);
  if (scissor) {
    window_->GetState()->vtkglEnable(GL_SCISSOR_TEST);
    f->glEnable(GL_SCISSOR_TEST);
  }
  return true;
}

// ---- events -------------------------------------------------------------------------------

void VtkView::setEventPosition(const QPointF& pos, Qt::KeyboardModifiers mods, int repeat) {
  const qreal dpr = devicePixelRatioF();
  interactor_->SetEventInformationFlipY(qRound(pos.x() * dpr), qRound(pos.y() * dpr),
                                        (mods & Qt::ControlModifier) ? 1 : 0,
                                        (mods & Qt::ShiftModifier) ? 1 : 0, 0, repeat);
  interactor_->SetAltKey((mods & Qt::AltModifier) ? 1 : 0);
}

namespace {
unsigned long pressEvent(Qt::MouseButton b) {
  switch (b) {
    case Qt::LeftButton:
      return vtkCommand::LeftButtonPressEvent;
    case Qt::RightButton:
      return vtkCommand::RightButtonPressEvent;
    case Qt::MiddleButton:
      return vtkCommand::MiddleButtonPressEvent;
    default:
      return vtkCommand::NoEvent;
  }
}
unsigned long releaseEvent(Qt::MouseButton b) {
  switch (b) {
    case Qt::LeftButton:
      return vtkCommand::LeftButtonReleaseEvent;
    case Qt::RightButton:
      return vtkCommand::RightButtonReleaseEvent;
    case Qt::MiddleButton:
      return vtkCommand::MiddleButtonReleaseEvent;
    default:
      return vtkCommand::NoEvent;
  }
}
}  // namespace

void VtkView::mousePressEvent(QMouseEvent* e) {
  setEventPosition(e->position(), e->modifiers());
  if (auto ev = pressEvent(e->button()); ev != vtkCommand::NoEvent) interactor_->InvokeEvent(ev);
  e->accept();
}

void VtkView::mouseDoubleClickEvent(QMouseEvent* e) {
  setEventPosition(e->position(), e->modifiers(), 1);
  if (auto ev = pressEvent(e->button()); ev != vtkCommand::NoEvent) interactor_->InvokeEvent(ev);
  e->accept();
}

void VtkView::mouseReleaseEvent(QMouseEvent* e) {
  setEventPosition(e->position(), e->modifiers());
  if (auto ev = releaseEvent(e->button()); ev != vtkCommand::NoEvent) interactor_->InvokeEvent(ev);
  e->accept();
}

void VtkView::mouseMoveEvent(QMouseEvent* e) {
  setEventPosition(e->position(), e->modifiers());
  interactor_->InvokeEvent(vtkCommand::MouseMoveEvent);
  e->accept();
}

void VtkView::wheelEvent(QWheelEvent* e) {
  setEventPosition(e->position(), e->modifiers());
  const int dy = e->angleDelta().y();
  if (dy > 0) interactor_->InvokeEvent(vtkCommand::MouseWheelForwardEvent);
  if (dy < 0) interactor_->InvokeEvent(vtkCommand::MouseWheelBackwardEvent);
  e->accept();
}

void VtkView::keyPressEvent(QKeyEvent* e) {
  const QString text = e->text();
  const char key = text.isEmpty() ? 0 : text.at(0).toLatin1();
  const QPointF pos = mapFromGlobal(QCursor::pos());
  setEventPosition(pos, e->modifiers(), e->isAutoRepeat() ? 1 : 0);
  interactor_->SetKeyCode(key);
  interactor_->InvokeEvent(vtkCommand::KeyPressEvent);
  if (key) interactor_->InvokeEvent(vtkCommand::CharEvent);
  e->accept();
}

void VtkView::keyReleaseEvent(QKeyEvent* e) {
  const QString text = e->text();
  interactor_->SetKeyCode(text.isEmpty() ? 0 : text.at(0).toLatin1());
  interactor_->InvokeEvent(vtkCommand::KeyReleaseEvent);
  e->accept();
}

void VtkView::enterEvent(QEnterEvent* e) {
  interactor_->InvokeEvent(vtkCommand::EnterEvent);
  QOpenGLWidget::enterEvent(e);
}

void VtkView::leaveEvent(QEvent* e) {
  interactor_->InvokeEvent(vtkCommand::LeaveEvent);
  QOpenGLWidget::leaveEvent(e);
}

}  // namespace mollichrom::ui
