"""The .docx package around the parts the exporter edits: members, content types, relationships.

Members the export does not change are written back with exactly their original bytes (and
compression method, date and attributes); only edited parts are re-serialized. Macro-enabled
and template packages (.docm/.dotm/.dotx) become a plain .docx: the main part's content type is
switched to the document type, and the VBA project, its data and the macro key bindings and
toolbars, with their relationships and content types, are dropped. The file is written to a
temporary name in the target folder and moved into place with ``os.replace``, so a failed export
never leaves a half-written document behind.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from lxml import etree

from aiprism_desktop.core.errors import DocumentError
from aiprism_desktop.core.export.atomic_file import atomic_replace
from aiprism_desktop.core.export.errors import ExportSourceInvalidError, ExportWriteError
from aiprism_desktop.core.ooxml import names as n
from aiprism_desktop.core.ooxml.xmlsafe import parse_xml

CONTENT_TYPES = "[Content_Types].xml"
CT_DOCUMENT_MAIN = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
)
CT_COMMENTS = "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"
CT_RELATIONSHIPS = "application/vnd.openxmlformats-package.relationships+xml"

MAIN_CONTENT_TYPES = {
    CT_DOCUMENT_MAIN: "docx",
    "application/vnd.ms-word.document.macroEnabled.main+xml": "docm",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml": "dotx",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml": "dotm",
}
_MACRO_CONTENT_TYPES = frozenset(
    {
        "application/vnd.ms-office.vbaProject",
        "application/vnd.ms-word.vbaData+xml",
        "application/vnd.ms-word.keyMapCustomizations+xml",
        "application/vnd.ms-word.attachedToolbars",
    }
)
_MACRO_RELATIONSHIP_TYPES = frozenset(
    {
        "http://schemas.microsoft.com/office/2006/relationships/vbaProject",
        "http://schemas.microsoft.com/office/2006/relationships/wordVbaData",
        "http://schemas.microsoft.com/office/2006/relationships/keyMapCustomizations",
        "http://schemas.microsoft.com/office/2006/relationships/attachedToolbars",
    }
)
_CT_DEFAULT = f"{{{n.CT_NS}}}Default"
_CT_OVERRIDE = f"{{{n.CT_NS}}}Override"
_REL = f"{{{n.REL_NS}}}Relationship"


def rels_name_of(part: str) -> str:
    """Name of a part's relationships part: word/document.xml → word/_rels/document.xml.rels."""
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{base}.rels")


def resolve_target(source_part: str, target: str) -> str:
    """Package name of a relationship target, relative to the part that owns the relationship."""
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(source_part), target))


def serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


@dataclass(slots=True)
class Package:
    """A source package held in memory, with the parts the export edits parsed on demand."""

    infos: list[zipfile.ZipInfo]
    archive: zipfile.ZipFile
    parsed: dict[str, etree._Element] = field(default_factory=dict)
    added: dict[str, bytes] = field(default_factory=dict)
    dropped: set[str] = field(default_factory=set)
    dirty: set[str] = field(default_factory=set)
    source_names: frozenset[str] = frozenset()

    @classmethod
    def open(cls, data: bytes) -> Package:
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, OSError) as exc:
            raise ExportSourceInvalidError(detail=str(exc)) from None
        seen: set[str] = set()
        infos = []
        for info in archive.infolist():
            if info.filename not in seen and not info.is_dir():
                seen.add(info.filename)
                infos.append(info)
        return cls(infos, archive, source_names=frozenset(seen))

    def has(self, name: str) -> bool:
        if name in self.dropped:
            return False
        return name in self.added or name in self.source_names

    def names(self) -> list[str]:
        return [i.filename for i in self.infos if i.filename not in self.dropped] + list(self.added)

    def xml(self, name: str) -> etree._Element:
        """The parsed part (parsed once; edits to it are written back when marked dirty)."""
        root = self.parsed.get(name)
        if root is None:
            if name not in self.source_names:
                raise ExportSourceInvalidError(detail=f"missing part {name}")
            data = self._member_bytes(name)
            try:
                root = parse_xml(data, name)
            except DocumentError as exc:
                raise ExportSourceInvalidError(detail=exc.detail or exc.message) from None
            self.parsed[name] = root
        return root

    def add_xml(self, name: str, root: etree._Element) -> None:
        self.parsed[name] = root
        self.dirty.add(name)
        self.added[name] = b""  # placeholder: serialized at write time

    def mark_dirty(self, name: str) -> None:
        self.dirty.add(name)

    # --- relationships -------------------------------------------------------------------

    def rels(self, part: str) -> etree._Element:
        """The relationships of ``part`` (an empty set, created, when it has none)."""
        name = rels_name_of(part)
        if not self.has(name):
            self.add_xml(
                name,
                etree.Element(f"{{{n.REL_NS}}}Relationships", nsmap={None: n.REL_NS}),  # type: ignore[dict-item]
            )
        return self.xml(name)

    def main_part(self) -> str:
        root = self.xml("_rels/.rels")
        for rel in root.iter(_REL):
            if rel.get("Type") == n.RT_OFFICE_DOCUMENT and rel.get("TargetMode") != "External":
                return resolve_target("", rel.get("Target", ""))
        raise ExportSourceInvalidError(detail="no officeDocument relationship")

    def related_part(self, part: str, rel_type: str) -> str | None:
        if not self.has(rels_name_of(part)):
            return None
        for rel in self.rels(part).iter(_REL):
            if rel.get("Type") == rel_type and rel.get("TargetMode") != "External":
                return resolve_target(part, rel.get("Target", ""))
        return None

    def add_relationship(self, part: str, rel_type: str, target_part: str) -> None:
        root = self.rels(part)
        used = {rel.get("Id") for rel in root.iter(_REL)}
        number = len(used) + 1
        while f"rId{number}" in used:
            number += 1
        rel = etree.SubElement(root, _REL)
        rel.set("Id", f"rId{number}")
        rel.set("Type", rel_type)
        rel.set("Target", posixpath.relpath(target_part, posixpath.dirname(part) or "."))
        self.mark_dirty(rels_name_of(part))

    # --- content types -------------------------------------------------------------------

    def content_type(self, part: str) -> str | None:
        types = self.xml(CONTENT_TYPES)
        for override in types.iter(_CT_OVERRIDE):
            if override.get("PartName", "").lstrip("/").lower() == part.lower():
                return override.get("ContentType")
        extension = posixpath.splitext(part)[1].lstrip(".").lower()
        for default in types.iter(_CT_DEFAULT):
            if default.get("Extension", "").lower() == extension:
                return default.get("ContentType")
        return None

    def set_override(self, part: str, content_type: str) -> None:
        types = self.xml(CONTENT_TYPES)
        for override in types.iter(_CT_OVERRIDE):
            if override.get("PartName", "").lstrip("/").lower() == part.lower():
                override.set("ContentType", content_type)
                break
        else:
            override = etree.SubElement(types, _CT_OVERRIDE)
            override.set("PartName", f"/{part}")
            override.set("ContentType", content_type)
        self.mark_dirty(CONTENT_TYPES)

    # --- macros ---------------------------------------------------------------------------

    def make_plain_docx(self, main_part: str) -> bool:
        """Turn a .docm/.dotm/.dotx package into a .docx; True when macro parts were dropped."""
        if self.content_type(main_part) != CT_DOCUMENT_MAIN:
            self.set_override(main_part, CT_DOCUMENT_MAIN)
        macro_parts = {
            name
            for name in self.names()
            if not name.endswith(".rels") and self.content_type(name) in _MACRO_CONTENT_TYPES
        }
        for rels_name in [name for name in self.names() if name.endswith(".rels")]:
            owner = _owner_of_rels(rels_name)
            for rel in self.xml(rels_name).iter(_REL):
                if (
                    rel.get("Type") in _MACRO_RELATIONSHIP_TYPES
                    and rel.get("TargetMode") != "External"
                ):
                    macro_parts.add(resolve_target(owner, rel.get("Target", "")))
        if not macro_parts:
            return False
        self._drop_parts(macro_parts)
        return True

    def _drop_parts(self, parts: set[str]) -> None:
        for part in parts:
            self.dropped.add(part)
            self.dropped.add(rels_name_of(part))
        for rels_name in [name for name in self.names() if name.endswith(".rels")]:
            owner = _owner_of_rels(rels_name)
            root = self.xml(rels_name)
            for rel in list(root.iter(_REL)):
                internal = rel.get("TargetMode") != "External"
                if (internal and resolve_target(owner, rel.get("Target", "")) in parts) or rel.get(
                    "Type"
                ) in _MACRO_RELATIONSHIP_TYPES:
                    root.remove(rel)
                    self.mark_dirty(rels_name)
        types = self.xml(CONTENT_TYPES)
        lowered = {part.lower() for part in parts}
        for override in list(types.iter(_CT_OVERRIDE)):
            if (
                override.get("PartName", "").lstrip("/").lower() in lowered
                or override.get("ContentType") in _MACRO_CONTENT_TYPES
            ):
                types.remove(override)
        remaining_extensions = {
            posixpath.splitext(name)[1].lstrip(".").lower() for name in self.names()
        }
        for default in list(types.iter(_CT_DEFAULT)):
            if (
                default.get("ContentType") in _MACRO_CONTENT_TYPES
                and default.get("Extension", "").lower() not in remaining_extensions
            ):
                types.remove(default)
        self.mark_dirty(CONTENT_TYPES)

    # --- writing --------------------------------------------------------------------------

    def write_atomically(self, out: Path) -> None:
        """Write the package to ``out`` through a temporary file in the same folder
        (``atomic_file``: complete and synced before it replaces ``out``)."""
        try:
            with atomic_replace(out) as handle:
                self._write_zip(handle)
        except OSError as exc:
            raise ExportWriteError(detail=f"{out}: {exc}") from None

    def _member_bytes(self, name: str) -> bytes:
        try:
            return self.archive.read(name)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError) as exc:
            raise ExportSourceInvalidError(
                "The original document is damaged (one of its parts cannot be read), so the "
                "reviewed copy could not be written. Open it in Word, let Word repair it, save "
                "it, and open the repaired copy.",
                detail=f"{name}: {exc}",
            ) from None

    def _write_zip(self, handle: IO[bytes]) -> None:
        with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as target:
            for info in self.infos:
                name = info.filename
                if name in self.dropped:
                    continue
                copy_info = zipfile.ZipInfo(name, info.date_time)
                copy_info.compress_type = info.compress_type
                copy_info.external_attr = info.external_attr
                copy_info.create_system = info.create_system
                if name in self.dirty:
                    target.writestr(copy_info, serialize(self.parsed[name]))
                else:
                    target.writestr(copy_info, self._member_bytes(name))
            for name in self.added:
                if name in self.dropped:
                    continue
                info = zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                target.writestr(info, serialize(self.parsed[name]))


def _owner_of_rels(rels_name: str) -> str:
    """The part a .rels part belongs to: word/_rels/document.xml.rels → word/document.xml."""
    folder, base = posixpath.split(rels_name)
    owner_folder = posixpath.dirname(folder) if posixpath.basename(folder) == "_rels" else folder
    return posixpath.join(owner_folder, base[: -len(".rels")])
