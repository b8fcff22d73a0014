"""A structural PDF/A checker for the tests: each property DOMAIN.md "Archival copies
(PDF/A)" lists, read back from the file with pikepdf and from its raw bytes.

It checks what xfgen promises (ISO 19005-2/-3, level B, as far as structure goes), not
the whole standard: veraPDF does that, where one is installed (XFGEN_VERAPDF).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path
from typing import Any

import pikepdf

NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
}
PARTS = {"pdf/a-2b": ("2", "B"), "pdf/a-3b": ("3", "B")}
# Actions that reach outside the file or run something (ISO 19005-2 6.5.1, and DOMAIN's
# "no reference to anything outside the file": no URI either).
FORBIDDEN_ACTIONS = {
    "/JavaScript", "/Launch", "/URI", "/GoToR", "/GoToE", "/ImportData", "/SubmitForm",
    "/ResetForm", "/Sound", "/Movie", "/Hide", "/Rendition", "/Trans", "/SetOCGState",
}  # fmt: skip


def pdf_date(text: str) -> datetime:
    """A PDF date string (D:YYYYMMDDHHmmSS+HH'mm') as an aware datetime."""
    found = re.fullmatch(r"D:(\d{14})(Z|[+-]\d\d'\d\d'?)?", text)
    assert found, f"not a full PDF date: {text!r}"
    zone = (found[2] or "Z").replace("'", "")
    zone = "+0000" if zone == "Z" else zone
    return datetime.strptime(found[1] + zone, "%Y%m%d%H%M%S%z")


def problems(
    path: Path,
    variant: str = "pdf/a-2b",
    figures: Any = None,
    built_at: datetime | None = None,
) -> list[str]:
    """What keeps ``path`` from being an archival PDF of ``variant`` as xfgen promises
    (with ``none``: a well-formed PDF with the build's dates that claims no PDF/A);
    ``figures``: the JSON object a pdf/a-3b summary must carry; ``built_at``: the
    build time its dates must show."""
    raw = path.read_bytes()
    found = _raw_problems(raw)
    with pikepdf.open(path) as pdf:
        found += [f"qpdf: {w}" for w in pdf.get_warnings()]
        found += [f"qpdf: {p}" for p in pdf.check_pdf_syntax()]
        if pdf.is_encrypted or "/Encrypt" in pdf.trailer:
            found.append("encrypted")
        info = {str(k): str(v) for k, v in pdf.docinfo.items()}
        found += _metadata_problems(pdf, info, variant, built_at)
        if variant == "none":  # plain PDF: what the stamp promises, and no claim of PDF/A
            return found
        ident = pdf.trailer.get("/ID")
        if not isinstance(ident, pikepdf.Array) or len(ident) != 2:
            found.append("no trailer /ID of two strings")
        found += _output_intent_problems(pdf)
        found += _object_problems(pdf)
        found += _attachment_problems(pdf, variant, figures)
    return found


def _raw_problems(raw: bytes) -> list[str]:
    """The file's syntax as ISO 19005-2 6.1 asks, in every revision (incremental
    updates included)."""
    found = []
    if not re.match(rb"%PDF-1\.[4-7]\r?\n%[\x80-\xff]{4}", raw):
        found.append("header is not %PDF-1.n followed by a comment of four bytes over 127")
    if not re.search(rb"%%EOF(\r\n|\r|\n)?$", raw):
        found.append("data after the last %%EOF")
    for match in re.finditer(rb"(?:^|[\r\n])(\d+) (\d+) obj", raw):
        if raw[match.end() : match.end() + 1] not in (b"\r", b"\n"):
            found.append(f"object {match[1].decode()}: no end of line after 'obj'")
    for match in re.finditer(rb"endobj", raw):
        if raw[match.start() - 1 : match.start()] not in (b"\r", b"\n"):
            found.append(f"no end of line before 'endobj' at byte {match.start()}")
    if re.search(rb"/Encrypt\b", raw):
        found.append("an /Encrypt entry")
    return found


def _xmp_text(root: ET.Element, prefix: str, name: str) -> str | None:
    """A simple XMP property, written as an attribute or as an element."""
    tag = f"{{{NS[prefix]}}}{name}"
    for description in root.iter(f"{{{NS['rdf']}}}Description"):
        if tag in description.attrib:
            return description.attrib[tag]
        element = description.find(tag)
        if element is not None:
            item = element.find(".//rdf:li", NS)
            return (item if item is not None else element).text
    return None


def _metadata_problems(
    pdf: pikepdf.Pdf, info: dict[str, str], variant: str, built_at: datetime | None
) -> list[str]:
    found = []
    for key in ("/Title", "/Producer", "/CreationDate", "/ModDate"):
        if not info.get(key):
            found.append(f"Info has no {key}")
    if built_at is not None:
        for key in ("/CreationDate", "/ModDate"):
            if key in info and pdf_date(info[key]) != built_at:
                found.append(f"Info {key} {info[key]} is not the build time {built_at}")
    streams = [
        obj
        for obj in pdf.objects
        if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/XML"
    ]
    metadata = pdf.Root.get("/Metadata")
    if variant == "none":
        if metadata is not None:
            found.append("a plain PDF with XMP metadata")
        return found
    if metadata is None or not metadata.is_indirect or not isinstance(metadata, pikepdf.Stream):
        return [*found, "no XMP metadata stream referenced from the catalog"]
    if len(streams) != 1:
        found.append(f"{len(streams)} XMP metadata streams, not one")
    if metadata.get("/Type") != "/Metadata" or metadata.get("/Subtype") != "/XML":
        found.append("the metadata stream is not /Type /Metadata /Subtype /XML")
    xmp = metadata.read_bytes()
    if b"bytes=" in xmp.split(b"?>", 1)[0] or b"encoding=" in xmp.split(b"?>", 1)[0]:
        found.append("xpacket header with bytes or encoding")
    try:
        root = ET.fromstring(xmp.split(b"?>", 1)[1].rsplit(b"<?xpacket", 1)[0])
    except (ET.ParseError, IndexError) as error:
        return [*found, f"XMP does not parse: {error}"]
    part, conformance = PARTS[variant]
    if _xmp_text(root, "pdfaid", "part") != part:
        found.append(f"pdfaid:part is {_xmp_text(root, 'pdfaid', 'part')}, not {part}")
    if _xmp_text(root, "pdfaid", "conformance") != conformance:
        found.append(f"pdfaid:conformance is not {conformance}")
    pairs = (("dc", "title", "/Title"), ("pdf", "Producer", "/Producer"))
    for prefix, name, key in pairs:
        if _xmp_text(root, prefix, name) != info.get(key):
            found.append(f"{prefix}:{name} {_xmp_text(root, prefix, name)!r} ≠ Info {key}")
    for name, key in (("CreateDate", "/CreationDate"), ("ModifyDate", "/ModDate")):
        text = _xmp_text(root, "xmp", name)
        if text is None or key not in info:
            found.append(f"xmp:{name} or Info {key} missing")
        elif datetime.fromisoformat(text) != pdf_date(info[key]):
            found.append(f"xmp:{name} {text} ≠ Info {key} {info[key]}")
    return found


def _output_intent_problems(pdf: pikepdf.Pdf) -> list[str]:
    intents = pdf.Root.get("/OutputIntents")
    if intents is None or len(intents) != 1:
        return ["not exactly one /OutputIntents entry"]
    intent = intents[0]
    if intent.get("/S") != "/GTS_PDFA1":
        return ["the output intent is not GTS_PDFA1"]
    profile = intent.get("/DestOutputProfile")
    if not isinstance(profile, pikepdf.Stream):
        return ["the output intent has no embedded ICC profile"]
    icc = profile.read_bytes()
    if icc[36:40] != b"acsp" or icc[16:20] != b"RGB " or profile.get("/N") != 3:
        return ["the output intent's profile is not an RGB ICC profile"]
    return []


def _object_problems(pdf: pikepdf.Pdf) -> list[str]:
    """Fonts, actions, annotations, images and external streams, in every object."""
    found = []
    for obj, where in _dictionaries(pdf):
        kind, subtype = obj.get("/Type"), obj.get("/Subtype")
        if kind == "/Font":
            found += _font_problems(obj, where)
        if obj.get("/S") in FORBIDDEN_ACTIONS:
            found.append(f"{where}: a {obj.get('/S')} action")
        for key in ("/AA", "/JS", "/OpenAction"):
            if key in obj and not (key == "/OpenAction" and _is_goto(obj[key])):
                found.append(f"{where}: {key}")
        if isinstance(obj, pikepdf.Stream):
            for key in ("/F", "/FFilter", "/FDecodeParms"):
                if key in obj.stream_dict:
                    found.append(f"{where}: a stream with {key} (data outside the file)")
        if subtype == "/Image" and obj.get("/Interpolate") is True:
            found.append(f"{where}: an image with /Interpolate true")
        if kind == "/Annot" and subtype != "/Popup":
            flags = int(obj.get("/F", 0))
            if not flags & 4 or flags & (1 | 2 | 32):
                found.append(f"{where}: an annotation not printed or hidden (/F {flags})")
    names = pdf.Root.get("/Names")
    if names is not None and "/JavaScript" in names:
        found.append("document JavaScript")
    return found


def _dictionaries(pdf: pikepdf.Pdf) -> Any:
    """Every dictionary and stream of the file: each object, and the direct dictionaries
    inside it (an annotation's action, say), with where it is."""
    for obj in pdf.objects:
        where = f"object {obj.objgen[0]}"
        stack = [obj]
        while stack:
            item = stack.pop()
            if isinstance(item, pikepdf.Dictionary | pikepdf.Stream):
                yield item, where
                values = (
                    item.stream_dict.values() if isinstance(item, pikepdf.Stream) else item.values()
                )
            elif isinstance(item, pikepdf.Array):
                values = list(item)
            else:
                continue
            stack += [v for v in values if isinstance(v, pikepdf.Object) and not v.is_indirect]


def _is_goto(action: Any) -> bool:
    return isinstance(action, pikepdf.Array) or action.get("/S") == "/GoTo"


def _font_problems(font: Any, where: str) -> list[str]:
    subtype = font.get("/Subtype")
    found = []
    if subtype in ("/CIDFontType0", "/CIDFontType2"):
        return _embedded(font, where)
    if subtype != "/Type0" and subtype != "/Type3":
        found += _embedded(font, where)
    if "/ToUnicode" not in font:
        found.append(f"{where}: font {font.get('/BaseFont')} without ToUnicode")
    return found


def _embedded(font: Any, where: str) -> list[str]:
    descriptor = font.get("/FontDescriptor")
    if descriptor is None or not any(
        k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")
    ):
        return [f"{where}: font {font.get('/BaseFont')} not embedded"]
    return []


def _attachment_problems(pdf: pikepdf.Pdf, variant: str, figures: Any) -> list[str]:
    names = pdf.Root.get("/Names")
    embedded = names.get("/EmbeddedFiles") if names is not None else None
    if figures is None:
        if embedded is not None or "/AF" in pdf.Root:
            return ["an embedded file where none is expected"]
        return []
    if variant != "pdf/a-3b":
        return ["figures are carried only with pdf/a-3b"]
    listed = list(pdf.Root.get("/AF", []))
    if len(listed) != 1:
        return [f"the catalog's /AF lists {len(listed)} files, not one"]
    spec = listed[0]
    found = []
    if embedded is None or spec.objgen not in [
        v.objgen for v in list(embedded.get("/Names", []))[1::2]
    ]:
        found.append("the associated file is not in the EmbeddedFiles name tree")
    if spec.get("/AFRelationship") != "/Data":
        found.append(f"AFRelationship is {spec.get('/AFRelationship')}, not /Data")
    if not str(spec.get("/UF", "")).endswith(".json"):
        found.append("the associated file's name does not end in .json")
    stream = spec.EF.F
    if stream.get("/Subtype") != "/application/json":
        found.append(f"the embedded file's type is {stream.get('/Subtype')}")
    if json.loads(stream.read_bytes()) != figures:
        found.append("the embedded figures are not what `xfgen stats --json` prints")
    return found
