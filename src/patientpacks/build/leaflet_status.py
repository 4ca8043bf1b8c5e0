"""A leaflet's status (publishable or draft) and the reasons it is a draft,
recorded inside its PDF, and read back from a PDF on disk.

A build reuses a leaflet whose inputs are unchanged and whose PDF on disk is
the one the manifest names (by SHA-256); it then reports the manifest's
status. The manifest is in the output folder, which nothing trusts: edited
to say "publishable" for a draft, a --strict build passed while the PDF
still printed DRAFT. So the PDF, the file that is handed out, carries its
own status and reasons in its XMP metadata, written with the draft mark by
the same build, and a reused leaflet's status is what its PDF records: a
manifest that says otherwise is not trusted for that leaflet, which is
rebuilt. (A signature would need a key kept somewhere the output folder's
writers cannot reach, and shards built on other machines would not verify.)

Reading costs one decompression of a stream of about 2 KB per leaflet: the
metadata stream, found by the dictionary pydyf writes for it, and parsed
with defusedxml. A PDF with no such stream, or more than one, records
nothing and is rebuilt.
"""

from __future__ import annotations

import re
import zlib
from xml.etree.ElementTree import Element, SubElement, register_namespace

from defusedxml import ElementTree

NAMESPACE = "https://patientpacks.example/ns/leaflet/1.0/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
register_namespace("patientpacks", NAMESPACE)

#: The metadata stream as pydyf writes it (compressed or not).
_METADATA_STREAM = re.compile(
    rb"<</Type /Metadata/Subtype /XML(/Filter /FlateDecode)?/Length (\d+)>>\r?\nstream\r?\n"
)
#: Far more than any leaflet's XMP (about 2 KB): a stream that inflates
#: further is not this tool's.
_MAX_XMP_BYTES = 1024 * 1024


def status_of(reasons: tuple[str, ...] | list[str]) -> str:
    return "draft" if reasons else "publishable"


def status_description(reasons: tuple[str, ...]) -> Element:
    """The rdf:Description that records a leaflet's status and reasons."""
    description = Element(f"{{{RDF}}}Description", {f"{{{RDF}}}about": ""})
    SubElement(description, f"{{{NAMESPACE}}}status").text = status_of(reasons)
    sequence = SubElement(SubElement(description, f"{{{NAMESPACE}}}reasons"), f"{{{RDF}}}Seq")
    for reason in reasons:
        SubElement(sequence, f"{{{RDF}}}li").text = reason
    return description


def recorded_status(pdf: bytes) -> tuple[str, tuple[str, ...]] | None:
    """The status and reasons ``pdf`` records; None when it records none
    this tool can read."""
    streams = list(_METADATA_STREAM.finditer(pdf))
    if len(streams) != 1:
        return None
    start, length = streams[0].end(), int(streams[0][2])
    data = pdf[start : start + length]
    try:
        if streams[0][1]:
            inflate = zlib.decompressobj()
            data = inflate.decompress(data, _MAX_XMP_BYTES)
        root = ElementTree.fromstring(data)
    except (zlib.error, ElementTree.ParseError, ValueError):
        return None
    statuses = root.findall(f".//{{{NAMESPACE}}}status")
    sequences = root.findall(f".//{{{NAMESPACE}}}reasons/{{{RDF}}}Seq")
    if len(statuses) != 1 or len(sequences) != 1:
        return None
    return statuses[0].text or "", tuple(item.text or "" for item in sequences[0])
