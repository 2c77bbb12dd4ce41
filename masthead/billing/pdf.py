"""A small PDF writer for tax invoices: one page, the standard Helvetica fonts, text only.

PDF's standard text operators (BT, Tf, Td, Tj, ET) are all an invoice needs, so no
package is pulled in. Text is encoded in WinAnsi; '₹' is not in that encoding, so
amounts in the PDF read 'Rs. 2,700.00'.
"""

from __future__ import annotations

from masthead.billing.gst import state_label
from masthead.core.dates import long_date
from masthead.core.money import format_money


def _escape(text: str) -> bytes:
    text = text.replace("₹", "Rs. ")
    raw = text.encode("cp1252", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def build_pdf(lines: list[tuple[str, float, str]], *, width: int = 595, height: int = 842) -> bytes:
    """A one-page A4 PDF from (font 'R'|'B', size, text) lines, top to bottom."""
    stream = [b"BT", b"50 792 Td"]
    first = True
    for font, size, text in lines:
        leading = size * 1.45
        if not first:
            stream.append(f"0 -{leading:.1f} Td".encode())
        first = False
        stream.append(f"/F{'2' if font == 'B' else '1'} {size:g} Tf".encode())
        stream.append(b"(" + _escape(text) + b") Tj")
    stream.append(b"ET")
    content = b"\n".join(stream)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width} {height}] "
        f"/Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        f"<< /Length {len(content)} >>\nstream\n".encode() + content + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def invoice_pdf(invoice) -> bytes:
    """The invoice as a PDF, with the same figures as the HTML page."""
    from masthead.content.publication import current_publication

    zone = current_publication().zone

    def money(amount: int) -> str:
        return format_money(amount, invoice.currency, whole=False)

    half = f"{invoice.gst_rate / 2:g}"
    lines: list[tuple[str, float, str]] = [
        ("B", 18, "Tax Invoice"),
        ("R", 11, f"Invoice number: {invoice.number}"),
        ("R", 11, f"Date: {long_date(invoice.issued_at, zone)}"),
        ("B", 12, "Supplier"),
        ("R", 11, invoice.seller_name),
        *[("R", 11, line) for line in invoice.seller_address.splitlines() if line.strip()],
        ("R", 11, f"GSTIN: {invoice.seller_gstin or 'not registered'}"),
        ("B", 12, "Billed to"),
        ("R", 11, " ".join(part for part in (invoice.buyer_name, invoice.buyer_email) if part) or "Subscriber"),
        *([("R", 11, f"GSTIN: {invoice.buyer_gstin}")] if invoice.buyer_gstin else []),
        *([("R", 11, f"Place of supply: {state_label(invoice.buyer_state)}")] if invoice.buyer_state else []),
        ("B", 12, "Details"),
        ("R", 11, f"{invoice.description} (SAC 998431)"),
        ("R", 11, f"Taxable value: {money(invoice.taxable_value)}"),
    ]
    if invoice.igst:
        lines.append(("R", 11, f"IGST {invoice.gst_rate}%: {money(invoice.igst)}"))
    else:
        lines.append(("R", 11, f"CGST {half}%: {money(invoice.cgst)}"))
        lines.append(("R", 11, f"SGST {half}%: {money(invoice.sgst)}"))
    lines.append(("B", 12, f"Total (GST included): {money(invoice.total)}"))
    return build_pdf(lines)
