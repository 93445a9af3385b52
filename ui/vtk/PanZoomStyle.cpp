#include "ui/vtk/PanZoomStyle.h"

#include <vtkObjectFactory.h>
#include <vtkRenderWindowInteractor.h>

namespace mollichrom::ui {

vtkStandardNewMacro(PanZoomStyle);

void PanZoomStyle::OnChar() {
  const char key = this->Interactor ? this->Interactor->GetKeyCode() : 0;
  if (key == 'r' || key == 'R') vtkInteractorStyleImage::OnChar();
}

}  // namespace mollichrom::ui
