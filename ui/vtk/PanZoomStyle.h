#pragma once
// Image interaction the way microscopists expect (Fiji, napari): left drag pans, wheel zooms,
// right drag zooms, "r" resets. No rotation (a 2-D image has no other side) and no
// window/level on the left button (contrast has its own controls).
#include <vtkInteractorStyleImage.h>

namespace mollichrom::ui {

class PanZoomStyle : public vtkInteractorStyleImage {
 public:
  static PanZoomStyle* New();
  vtkTypeMacro(PanZoomStyle, vtkInteractorStyleImage);
  void OnLeftButtonDown() override { vtkInteractorStyleImage::OnMiddleButtonDown(); }
  void OnLeftButtonUp() override { vtkInteractorStyleImage::OnMiddleButtonUp(); }
  void OnChar()
      override;  // only "r" (reset); VTK's other keys (wireframe, quit…) make no sense here
};

}  // namespace mollichrom::ui
