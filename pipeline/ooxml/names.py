"""The XML namespaces of Word files, in one table."""

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
M_NS = "http://schemas.openxmlformats.org/officeDocument/2006/math"
M = f"{{{M_NS}}}"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
R = f"{{{R_NS}}}"
PACKAGE_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
DC = "{http://purl.org/dc/elements/1.1/}"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"

# Deflate level of the Word files this program writes. Level 1 packs a document in half the
# time of level 6 (Python's default) and makes it about a sixth larger (20 kB instead of 17 kB
# for the Orsa agreement's redline); a person waits for the one, nobody notices the other.
ZIP_LEVEL = 1
