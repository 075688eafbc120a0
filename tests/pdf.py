"""What a PDF tells assistive technology, read from its bytes (no PDF library needed).

WeasyPrint packs the catalog into compressed object streams and writes the title as UTF-16, so the check
inflates every stream and reads the catalog's entries and the XMP metadata's dc:title.
"""

import re
import zlib
from dataclasses import dataclass
from html import unescape


@dataclass(frozen=True)
class PdfTags:
    marked: bool  # /MarkInfo <</Marked true>>: the content is tagged
    structure: bool  # /StructTreeRoot: the tags form a structure tree
    language: str  # /Lang of the catalog
    title: str  # dc:title of the XMP metadata
    shows_title: bool  # /ViewerPreferences <</DisplayDocTitle true>>: the title bar shows the title
    pdf_ua: bool  # pdfuaid:part="1" in the metadata: claims PDF/UA-1


def _inflated(pdf: bytes) -> bytes:
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n", pdf):
        body = pdf[match.end() : pdf.find(b"endstream", match.end())]
        try:
            parts.append(zlib.decompress(body))
        except zlib.error:
            parts.append(body)
    return b"\n".join(parts)


def pdf_tags(pdf: bytes) -> PdfTags:
    assert pdf.startswith(b"%PDF-"), pdf[:40]
    text = _inflated(pdf)
    catalogs = re.findall(rb"<<\s*/Type\s*/Catalog.*", text)
    assert len(catalogs) == 1, "one document catalog"
    catalog = catalogs[0]
    language = re.search(rb"/Lang\s*\(([^)]*)\)", catalog)
    title = re.search(rb"<dc:title>.*?<rdf:li[^>]*>(.*?)</rdf:li>", text, re.DOTALL)
    return PdfTags(
        marked=re.search(rb"/MarkInfo\s*<<\s*/Marked\s+true", catalog) is not None,
        structure=b"/StructTreeRoot" in catalog,
        language=language.group(1).decode() if language else "",
        title=unescape(title.group(1).decode()) if title else "",
        shows_title=re.search(rb"/DisplayDocTitle\s+true", catalog) is not None,
        pdf_ua=re.search(rb"pdfuaid:part=\"1\"", text) is not None,
    )


def tagged_pdf_ua(*, title: str) -> PdfTags:
    """What every PDF the service prints should say of itself: tagged, PDF/UA-1, British English, titled."""
    return PdfTags(marked=True, structure=True, language="en-GB", title=title, shows_title=True, pdf_ua=True)
