"""Enable PostgreSQL's `unaccent`, with which the register's search folds accents
(`labels.selectors.search.Folded`). Nothing to do on SQLite, which folds in Python."""

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("labels", "0001_initial"),
    ]

    operations = [
        UnaccentExtension(),
    ]
