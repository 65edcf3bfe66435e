"""Count each label PDF's pages: as it is rendered from now on, and for the PDFs already stored,
read back from their files.

A stored PDF is never rendered again to count it: its SHA-256 is public, and a new render would be
another file. Its count is read from its own page tree instead (`lib.pdf.pdf_page_count`); a file
that is missing or whose count can't be read for sure keeps no count, rather than a guessed one.
"""

from django.db import migrations, models

from registry.lib.pdf import pdf_page_count


def count_stored_pages(apps, schema_editor):
    """Fill `pages` of every stored PDF from its file, where the file says it for sure."""
    LabelPdf = apps.get_model("labels", "LabelPdf")
    for label_pdf in LabelPdf.objects.filter(pages=None).order_by("pk").iterator(chunk_size=100):
        try:
            with label_pdf.file.open("rb") as file:
                pages = pdf_page_count(file.read())
        except OSError:
            continue
        if pages is not None:
            LabelPdf.objects.filter(pk=label_pdf.pk).update(pages=pages)


class Migration(migrations.Migration):
    dependencies = [
        ("labels", "0002_unaccent"),
    ]

    operations = [
        migrations.AddField(
            model_name="labelpdf",
            name="pages",
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AddConstraint(
            model_name="labelpdf",
            constraint=models.CheckConstraint(
                condition=models.Q(("pages__isnull", True), ("pages__gte", 1), _connector="OR"),
                name="label_pdf_pages_counted",
            ),
        ),
        migrations.RunPython(count_stored_pages, migrations.RunPython.noop, elidable=True),
    ]
