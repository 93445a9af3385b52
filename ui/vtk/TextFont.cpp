#include "ui/vtk/TextFont.h"

#include <vtkTextProperty.h>

#include <fstream>
#include <string>

namespace mollichrom::ui {

const char* unicodeFontFile() {
  static const std::string file = [] {
    for (const char* f :
         {"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/TTF/DejaVuSans.ttf",
          "/usr/share/fonts/dejavu/DejaVuSans.ttf"})
      if (std::ifstream(f).good()) return std::string(f);
    return std::string();
  }();
  return file.c_str();
}

bool useUnicodeFont(vtkTextProperty* p) {
  if (!*unicodeFontFile()) return false;
  p->SetFontFamily(VTK_FONT_FILE);
  p->SetFontFile(unicodeFontFile());
  return true;
}

}  // namespace mollichrom::ui
