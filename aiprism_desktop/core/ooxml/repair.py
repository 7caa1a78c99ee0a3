"""Write a package the way the reader read it: the source of the reviewed copy.

When reading translated Strict names, left out members with unsafe names or repaired
relationships (``relationships``), the reviewed copy must be the package the reviewer saw,
and it must open where the original did not (python-docx refuses dangling relationships and
case-mismatched names). So the export starts from ``repaired_package``, not the original bytes:

* members that are not parts (``part_names``) are not written;
* relationship parts are rewritten: dropped relationships removed, targets spelt as the stored
  part names, hyperlinks marked external, Strict types translated; each under the name that
  belongs to its (stored) source part;
* a part that referred to a dropped relationship loses the reference (the ``r:`` attribute, or
  the whole element for pure pointers such as an embedded font), so no id dangles;
* in a Strict package every XML part is written in transitional names (``strict``);
* content-type overrides naming no part are removed; everything else is copied byte for byte.

Block locations stay valid: part names, and the paragraphs of every part, are unchanged.
"""

from __future__ import annotations

import io
import posixpath
import zipfile

from lxml import etree

from aiprism_desktop.core.errors import DocumentError
from aiprism_desktop.core.ooxml import names as n
from aiprism_desktop.core.ooxml.package import Package
from aiprism_desktop.core.ooxml.relationships import rels_part_name
from aiprism_desktop.core.ooxml.xmlsafe import parse_xml

_REL = f"{{{n.REL_NS}}}Relationship"
_CT_OVERRIDE = f"{{{n.CT_NS}}}Override"
_CONTENT_TYPES = "[content_types].xml"
_XML_SUFFIXES = (".xml", ".rels", ".vml")
# Elements that exist only to point at a related part: dropped with their relationship.
_POINTERS = frozenset(
    n.w(name)
    for name in (
        "embedRegular",
        "embedBold",
        "embedItalic",
        "embedBoldItalic",
        "attachedTemplate",
        "printerSettings",
    )
)


def repaired_package(package: Package) -> bytes:
    """The package as read (module docstring), as .docx bytes."""
    sources = {rels_part_name(source).lower(): source for source in package.relationship_sources()}
    repaired_sources = package.repairs.sources()
    dropped_ids = {source: set(ids) for source, ids in package.repairs.dropped.items() if source}
    present = {info.filename.lower() for info in package.part_infos()}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in package.part_infos():
            name = info.filename
            key = name.lower()
            source = sources.get(key)
            if source is not None and (package.strict or source in repaired_sources):
                data = _rels_xml(package, source, name)
                name = rels_part_name(source)
            elif key == _CONTENT_TYPES:
                data = _content_types(package, name, present)
            elif name in dropped_ids or (package.strict and key.endswith(_XML_SUFFIXES)):
                data = _part_xml(package, name, dropped_ids.get(name, set()))
            else:
                data = package.read_part(name)
            copy = zipfile.ZipInfo(name, info.date_time)
            copy.compress_type = info.compress_type
            copy.external_attr = info.external_attr
            target.writestr(copy, data)
    return buffer.getvalue()


def _serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _rels_xml(package: Package, source: str, stored_name: str) -> bytes:
    log = package.repairs
    root = parse_xml(package.read_part(stored_name), stored_name)
    dropped = log.dropped.get(source, {})
    renamed = log.renamed.get(source, {})
    external = log.made_external.get(source, set())
    folder = posixpath.dirname(source)
    types = {rel.id: rel.type for rel in package.relationships(source)}
    for element in list(root.iter(_REL)):
        rel_id = element.get("Id", "")
        if rel_id in dropped:
            parent = element.getparent()
            if parent is not None:
                parent.remove(element)
            continue
        if rel_id in types:
            element.set("Type", types[rel_id])  # Strict types translated
        if rel_id in renamed:
            element.set("Target", posixpath.relpath(renamed[rel_id], folder or "."))
        if rel_id in external:
            element.set("TargetMode", "External")
    return _serialize(root)


def _part_xml(package: Package, name: str, dropped_ids: set[str]) -> bytes:
    try:
        root = package.parse_part(name)
    except DocumentError:
        return package.read_part(name)  # not XML after all: kept as it is
    if dropped_ids:
        for element in list(root.iter()):  # parse_xml drops comments and PIs: elements only
            for key, raw in list(element.attrib.items()):
                attribute, value = str(key), str(raw)
                if value not in dropped_ids or not attribute.startswith(f"{{{n.R_NS}}}"):
                    continue
                parent = element.getparent()
                if element.tag in _POINTERS and parent is not None:
                    parent.remove(element)
                    break
                del element.attrib[attribute]
    return _serialize(root)


def _content_types(package: Package, name: str, present: set[str]) -> bytes:
    root = package.parse_part(name)
    for override in list(root.iter(_CT_OVERRIDE)):
        if override.get("PartName", "").lstrip("/").lower() not in present:
            root.remove(override)
    return _serialize(root)


def review_package_bytes(package: Package) -> bytes:
    """The bytes of the package the reviewer saw: the original, unless reading changed it
    (damaged parts without text are found, and dropped, by checking every member first)."""
    package.verify_unread_parts()
    return repaired_package(package) if package.needs_rewrite else package.data
