"""Printing a page as an A4 PDF, tagged for assistive technology (PDF/UA-1).

The template names the document (its <title> becomes the PDF's title, shown in the viewer's title bar)
and its language (<html lang>); WeasyPrint tags headings, tables and lists from the HTML's structure.
"""

from django.http import HttpResponse
from django.template.loader import render_to_string

PDF_VARIANT = "pdf/ua-1"


def pdf_response(*, request, template_name: str, context: dict, filename: str) -> HttpResponse:
    from weasyprint import HTML  # imported when printing: WeasyPrint is slow to load

    html = render_to_string(template_name, context, request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf(pdf_variant=PDF_VARIANT)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
