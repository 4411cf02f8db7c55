// Debian builds libxml2 with ICU; its ICU headers clash with Foundation's own copy.
// Include the version header first, switch ICU off, then the rest (see SWIFT-NOTES.md).
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/HTMLtree.h>
#include <libxml/xmlwriter.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlerror.h>
