"""Build ``investigation_report.docx``: the bundled sample investigation write-up.

Run from the repository root:  .venv/bin/python resources/samples/make_sample.py

The report is realistic on purpose: most of it is sound (dated timeline, quantified impact,
defined acronyms, actions with owners), and it carries the problems a reviewer should find,
listed in README.md next to this script (that list is also the test oracle of
tests/providers/offline/test_sample.py). The output is byte-for-byte reproducible: fixed core
properties and fixed timestamps inside the zip, so its sha256 (a review-cache key) is stable.
"""

from __future__ import annotations

import io
import sys
import zipfile
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.shared import Pt

OUTPUT = Path(__file__).with_name("investigation_report.docx")
_FIXED_TIME = datetime(2025, 3, 21, 9, 0, 0)
_ZIP_TIME = (2025, 3, 21, 9, 0, 0)

TITLE = "Investigation Report: Compromise of Seller Account “Brightwater Home Goods”"
PREAMBLE = [
    "Author: Priya Nair, Seller Risk Investigations",
    "Date: 21 March 2025",
    "Classification: Confidential – internal use only",
    "Case reference: INV-2025-0311 · Version 1.2 (final draft)",
]

# (heading, [paragraph | ("bullets", [...]) | ("numbers", [...]) | ("table", [[...], ...])])
Content = list[str | tuple[str, list[str]] | tuple[str, list[list[str]]]]

SECTIONS: list[tuple[str, Content]] = [
    (
        "Executive Summary",
        [
            "On 5 March 2025 our automated risk model detected that the seller account "
            "Brightwater Home Goods had been taken over by an unauthorised party, who changed "
            "the disbursement bank account and listed counterfeit electronics.",
            "The takeover affected 1,200 customers, who bought 214 counterfeit orders before "
            "the Seller Risk team suspended the account.",
            "It appears that the attacker obtained the seller's password through a phishing email.",
            "The root cause was clearly a failure to verify the bank-account change.",
            "We refunded every affected buyer (USD 48,650 in total) and reinstated the "
            "seller's account on 14 March 2025 after identity verification.",
        ],
    ),
    (
        "Background",
        [
            "Brightwater Home Goods has sold kitchenware on the marketplace since 2016 and had "
            "no policy violations before this incident.",
            "The account passed Know Your Business (KYB) verification in 2016 and again in 2023.",
            "Because the seller operates from a single warehouse, relies on one employee to "
            "manage its listings, signs in from the same two devices every day and had never "
            "changed its disbursement details in nine years of trading, the sudden change of "
            "bank account from a new device in another country should have been treated as a "
            "strong signal of account takeover by the checks that were in place at the time.",
            "A number of similar takeovers were reported by other sellers in the same "
            "category during February.",
        ],
    ),
    (
        "Timeline of Events",
        [
            "All times are in UTC. Sources are listed in Appendix A.",
            (
                "table",
                [
                    ["Date and time (UTC)", "Event", "Source"],
                    [
                        "28 February 2025 09:14",
                        "The seller's account manager clicked a link in a phishing email and "
                        "entered her password on a fake sign-in page.",
                        "Seller interview",
                    ],
                    [
                        "1 March 2025 02:40",
                        "Sign-in from a new device in another country; the attacker used a "
                        "recovery code to pass two-step verification.",
                        "Login log",
                    ],
                    [
                        "1 March 2025 02:52",
                        "The attacker changed the disbursement bank account to an account at "
                        "a different bank.",
                        "Account audit trail",
                    ],
                    [
                        "1 March 2025 03:05",
                        "The attacker created 37 new listings for discounted headphones and "
                        "phone chargers.",
                        "Listing history",
                    ],
                    [
                        "3 March 2025 11:20",
                        "Automated risk model flagged the account for unusual listing activity.",
                        "Risk model alert",
                    ],
                    [
                        "Shortly after",
                        "Investigator assigned; case opened in the investigation queue.",
                        "Case tool",
                    ],
                    [
                        "6 March 2025 16:45",
                        "Seller Risk team suspended the account and placed a hold on USD "
                        "61,200 of pending disbursements.",
                        "Enforcement log",
                    ],
                    ["TBD", "Seller submitted an appeal with proof of identity.", "Appeal queue"],
                    [
                        "14 March 2025 10:00",
                        "Account reinstated after identity verification and a password reset.",
                        "Enforcement log",
                    ],
                ],
            ),
        ],
    ),
    (
        "Investigation Process",
        [
            "The investigator followed the account-takeover SOP and took these steps:",
            (
                "numbers",
                [
                    "Reviewed sign-in history and device fingerprints for the 30 days before "
                    "the takeover (Appendix A, log extract 1).",
                    "Compared the new bank account with the accounts of 4 other suspended "
                    "sellers; the same bank account appears in 3 linked accounts.",
                    "Checked the AHR score, which dropped from 92 to 41 within two days of "
                    "the takeover.",
                    "Interviewed the seller by phone on 7 March 2025.",
                    "Several listings were removed before the investigator could capture them.",
                ],
            ),
            "We believe the attacker also read the seller's buyer messages, but this might "
            "have happened later.",
        ],
    ),
    (
        "Impact Assessment",
        [
            "1,500 customers were affected: they received counterfeit headphones or chargers "
            "instead of genuine products.",
            "The 214 counterfeit orders had a total value of USD 48,650, all of which we refunded.",
            "The incident damaged buyer trust in the marketplace and caused significant "
            "delays for affected buyers.",
            "Many sellers in the same category reported lower sales during the week of the "
            "takeover.",
            "We held USD 61,200 of pending disbursements until the seller proved their "
            "identity, so no funds reached the attacker.",
        ],
    ),
    (
        "Root Cause Analysis",
        [
            "The root cause was human error: an agent approved the disbursement change "
            "without calling the seller.",
            "The bank-account change was approved eleven minutes after the request, even "
            "though it came from a new device.",
            "Obviously, the agent should have followed the SOP.",
        ],
    ),
    (
        "Resolving Actions",
        [
            (
                "bullets",
                [
                    "Suspended the account and held USD 61,200 of pending disbursements "
                    "(Seller Risk team, 6 March 2025).",
                    "Removed the 37 attacker-created listings and reset the seller's password "
                    "(Trust & Safety Ops, 7 March 2025).",
                    "Sent every affected buyer an email explaining the refund and asking them "
                    "to return the counterfeit items (Communications team, 10 March 2025).",
                    "Refunded all 214 counterfeit orders, USD 48,650 in total (Buyer Support "
                    "team, completed 12 March 2025).",
                    "Reimbursed buyers' return shipping costs of $XX per order (Buyer Support "
                    "team, 18 March 2025).",
                ],
            ),
        ],
    ),
    (
        "Preventative Actions",
        [
            "The following actions will prevent a repeat:",
            (
                "numbers",
                [
                    "Require a call-back to the seller before anyone approves a disbursement "
                    "change from a new device; owner: Payments Risk (Daniel Okafor), due "
                    "30 April 2025.",
                    "Retrain the disbursement team on account-takeover signals.",
                    "Alert investigators automatically when a bank-account change follows a "
                    "sign-in from a new country (Risk Engineering team, ECD TBC).",
                    "Review whether similar takeovers affected other sellers in the category.",
                ],
            ),
        ],
    ),
    (
        "Seller Classification and Enforcement Decision",
        [
            "We classify Brightwater Home Goods as a good actor and a victim of account "
            "takeover: the seller reported the phishing email themselves, passed identity "
            "verification and has a clean nine-year record (Appendix B).",
            "We take no enforcement action against the seller. We lifted the suspension "
            "on 14 March 2025 and kept the disbursement hold for a further 48 hours as a "
            "precaution.",
            "The bank account the attacker used also appears in 4 linked accounts, which the "
            "Seller Risk team has referred for separate investigation.",
        ],
    ),
    (
        "Communication and Outreach",
        [
            "The Buyer Support team emailed every affected buyer on 10 March 2025 with an "
            "apology, the refund confirmation and return instructions.",
            "Some customers might have received the email twice because of a retry in the "
            "mailing tool.",
            "The seller received a written summary of the investigation and advice on "
            "phishing-resistant sign-in on 14 March 2025.",
        ],
    ),
    (
        "Appendix: Evidence and References",
        [
            (
                "bullets",
                [
                    "Appendix A – Sign-in and device log extract, 28 February to 6 March 2025 "
                    "(case INV-2025-0311, attachment 1).",
                    "Appendix B – Seller account history and KYB records (attachment 2).",
                    "Appendix C – Refund ledger for the 214 counterfeit orders (attachment 3).",
                    "Appendix D – [insert link to buyer email template]",
                ],
            ),
        ],
    ),
]


def _add_table(document: DocxDocument, rows: list[list[str]]) -> None:
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = document.styles["Table Grid"]
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            cell = table.cell(r, c)
            cell.text = value
            if r == 0:
                for run in cell.paragraphs[0].runs:
                    run.bold = True


def _restarted_numbering(document: DocxDocument) -> int:
    """A new numbering instance of the "List Number" style's list that starts again at 1.

    Every "List Number" paragraph shares one list, so Word would number a second list 6, 7, ...
    after a first list of five; authors restart it, and so does this sample.
    """
    numbering = document.part.numbering_part.element
    style_num_id = document.styles["List Number"].element.pPr.numPr.numId.val
    abstract_id = numbering.num_having_numId(style_num_id).abstractNumId.val
    num = numbering.add_num(abstract_id)
    num.add_lvlOverride(ilvl=0).add_startOverride(1)
    return int(num.numId)


def build() -> DocxDocument:
    """The sample as a python-docx Document."""
    document = Document()
    document.styles["Normal"].font.name = "Calibri"
    document.styles["Normal"].font.size = Pt(11)
    document.add_heading(TITLE, level=0)
    for line in PREAMBLE:
        document.add_paragraph(line)
    numbered_lists = 0
    for heading, content in SECTIONS:
        document.add_heading(heading, level=1)
        for item in content:
            if isinstance(item, str):
                document.add_paragraph(item)
                continue
            kind, values = item
            if kind == "table":
                _add_table(document, values)  # type: ignore[arg-type]
            else:
                style = "List Bullet" if kind == "bullets" else "List Number"
                num_id = None
                if kind == "numbers":
                    numbered_lists += 1
                    num_id = _restarted_numbering(document) if numbered_lists > 1 else None
                for text in values:
                    paragraph = document.add_paragraph(text, style=style)  # type: ignore[arg-type]
                    if num_id is not None:
                        p_pr = paragraph._p.get_or_add_pPr()
                        num_pr = p_pr.get_or_add_numPr()  # type: ignore[attr-defined]
                        num_pr.get_or_add_ilvl().val = 0
                        num_pr.get_or_add_numId().val = num_id
    properties = document.core_properties
    properties.title = TITLE
    properties.author = "Priya Nair"
    properties.last_modified_by = "Priya Nair"
    properties.subject = "Seller account takeover investigation"
    properties.keywords = "investigation; account takeover; sample"
    properties.revision = 3
    properties.created = _FIXED_TIME
    properties.modified = _FIXED_TIME
    properties.last_printed = _FIXED_TIME
    return document


def _reproducible_zip(data: bytes) -> bytes:
    """Rewrite the package with fixed entry timestamps (zip entries carry the build time)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(entry.filename))
    return out.getvalue()


def main() -> int:
    buffer = io.BytesIO()
    build().save(buffer)
    OUTPUT.write_bytes(_reproducible_zip(buffer.getvalue()))
    print(f"wrote {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
