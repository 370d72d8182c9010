"""Word files as zip packages and XML parts: the one place with zip and WordprocessingML work.

``package`` reads and writes .docx packages (limits against zip bombs, strict parsing,
deterministic output, document properties); ``parts`` handles relationships, content
types and merging styles and numbering; ``text`` reads text out of parts; ``names`` is
the namespace table; ``redline`` is the engine that writes tracked changes.
"""

from pipeline.ooxml.package import (  # noqa: F401
                                    APP_PART,
                                    CONTENT_TYPES,
                                    CORE_PART,
                                    MAX_PARTS,
                                    MAX_UNPACKED_BYTES,
                                    Package,
                                    Properties,
                                    app_xml,
                                    core_xml,
                                    document_title,
                                    finish_part,
                                    prepend_paragraph,
                                    read_package,
                                    unpack,
                                    write_docx,
)

__all__ = ["APP_PART", "CONTENT_TYPES", "CORE_PART", "MAX_PARTS", "MAX_UNPACKED_BYTES", "Package", "Properties",
           "app_xml", "core_xml", "document_title", "finish_part", "prepend_paragraph", "read_package", "unpack",
           "write_docx"]
