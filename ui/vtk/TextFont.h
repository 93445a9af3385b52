#pragma once
// VTK's bundled fonts cover ASCII only, so panel titles read "bilap phi_d (1/um^4)" beside the
// Unicode selectors. Text actors that show names and units use a system TrueType font
// with Greek letters and superscripts (DejaVu Sans, a dependency of the package); where it is
// missing they keep VTK's font.
class vtkTextProperty;

namespace mollichrom::ui {

// The Unicode font file in use, empty when none was found.
const char* unicodeFontFile();
// Sets `p` to that font; false (and `p` unchanged) when there is none.
bool useUnicodeFont(vtkTextProperty* p);

}  // namespace mollichrom::ui
