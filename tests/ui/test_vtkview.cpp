// The Qt 6 <-> VTK adaptor must put VTK's pixels on screen under Xvfb + Mesa.
// Scene: left viewport red background; right viewport blue background with an unlit green
// square in its middle. Grabbing the widget's framebuffer must show exactly that.
#include "ui/vtk/VtkView.h"

#include <QApplication>
#include <QSurfaceFormat>
#include <QWheelEvent>
#include <QtTest>

#include <vtkActor.h>
#include <vtkCamera.h>
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkNew.h>
#include <vtkPlaneSource.h>
#include <vtkPolyDataMapper.h>
#include <vtkProperty.h>
#include <vtkRenderer.h>

using mollichrom::ui::VtkView;

namespace {
bool near(QRgb c, int r, int g, int b, int tol = 40) {
  return std::abs(qRed(c) - r) <= tol && std::abs(qGreen(c) - g) <= tol &&
         std::abs(qBlue(c) - b) <= tol;
}
QString rgb(QRgb c) {
  return QStringLiteral("(%1,%2,%3)").arg(qRed(c)).arg(qGreen(c)).arg(qBlue(c));
}
}  // namespace

class TestVtkView : public QObject {
  Q_OBJECT
  VtkView* view_ = nullptr;
  vtkRenderer* right_ = nullptr;

 private Q_SLOTS:
  void initTestCase() {
    view_ = new VtkView;
    view_->resize(400, 200);

    vtkNew<vtkRenderer> left;
    left->SetViewport(0.0, 0.0, 0.5, 1.0);
    left->SetBackground(1.0, 0.0, 0.0);
    view_->renderWindow()->AddRenderer(left);

    vtkNew<vtkRenderer> right;
    right->SetViewport(0.5, 0.0, 1.0, 1.0);
    right->SetBackground(0.0, 0.0, 1.0);
    vtkNew<vtkPlaneSource> plane;  // unit square centred at the origin
    vtkNew<vtkPolyDataMapper> mapper;
    mapper->SetInputConnection(plane->GetOutputPort());
    vtkNew<vtkActor> actor;
    actor->SetMapper(mapper);
    actor->GetProperty()->SetColor(0.0, 1.0, 0.0);
    actor->GetProperty()->LightingOff();
    right->AddActor(actor);
    right->GetActiveCamera()->ParallelProjectionOn();
    right->GetActiveCamera()->SetPosition(0, 0, 5);
    right->GetActiveCamera()->SetFocalPoint(0, 0, 0);
    right->GetActiveCamera()->SetParallelScale(1.0);  // square spans the middle half
    right->ResetCameraClippingRange();
    view_->renderWindow()->AddRenderer(right);
    right_ = right;

    view_->show();
    QVERIFY(QTest::qWaitForWindowExposed(view_));
  }

  void rendersVtkPixels() {
    const QImage img = view_->grabFramebuffer();
    QVERIFY(!img.isNull());
    const int w = img.width(), h = img.height();
    QVERIFY2(w >= 400 && h >= 200, qPrintable(QStringLiteral("%1x%2").arg(w).arg(h)));
    const QRgb leftPx = img.pixel(w / 4, h / 2);
    const QRgb rightEdge = img.pixel(w - 5, 5);
    const QRgb centre = img.pixel(3 * w / 4, h / 2);
    QVERIFY2(near(leftPx, 255, 0, 0), qPrintable("left " + rgb(leftPx)));
    QVERIFY2(near(rightEdge, 0, 0, 255), qPrintable("right edge " + rgb(rightEdge)));
    QVERIFY2(near(centre, 0, 255, 0), qPrintable("square " + rgb(centre)));

    // Not black, not uniform: count distinct colours over a coarse sample.
    QSet<QRgb> colours;
    int black = 0, samples = 0;
    for (int y = 0; y < h; y += 7)
      for (int x = 0; x < w; x += 7) {
        const QRgb c = img.pixel(x, y) & 0xFFFFFF;
        colours.insert(c);
        black += c == 0;
        ++samples;
      }
    QVERIFY(colours.size() >= 3);
    QVERIFY2(black < samples / 10, qPrintable(QString::number(black)));
  }

  void wheelZoomsThroughInteractor() {
    // The interactor style must receive Qt events: zooming in shrinks the parallel scale.
    const double before = right_->GetActiveCamera()->GetParallelScale();
    const QPointF pos(300, 100);  // over the right viewport
    QWheelEvent wheel(pos, view_->mapToGlobal(pos), QPoint(), QPoint(0, 120), Qt::NoButton,
                      Qt::NoModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(view_, &wheel);
    const double after = right_->GetActiveCamera()->GetParallelScale();
    QVERIFY2(after < before * 0.95, qPrintable(QStringLiteral("%1 -> %2").arg(before).arg(after)));
    // The re-render shows the zoomed square: the right edge is now further into green.
    const QImage img = view_->grabFramebuffer();
    const QRgb nearEdge = img.pixel(img.width() * 5 / 8 + 2, img.height() / 2);
    QVERIFY2(near(nearEdge, 0, 255, 0), qPrintable("zoomed " + rgb(nearEdge)));
  }

  void survivesResize() {
    view_->resize(300, 300);
    QTest::qWait(50);
    const QImage img = view_->grabFramebuffer();
    QVERIFY(near(img.pixel(img.width() / 4, img.height() / 2), 255, 0, 0));
  }

  void cleanupTestCase() { delete view_; }
};

int main(int argc, char** argv) {
  QSurfaceFormat::setDefaultFormat(VtkView::defaultFormat());
  QApplication app(argc, argv);
  TestVtkView t;
  return QTest::qExec(&t, argc, argv);
}
#include "test_vtkview.moc"
