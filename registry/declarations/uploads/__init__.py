"""Reading what providers upload or paste: files, sheets of sources, lists typed in a textarea.

Pure: bytes, text or file objects in, values and problems out. Nothing here writes anywhere; the
services validate the values again and save them. Problems use the same `Problem` shape as
validation, with fields such as `rows.3.share_percent` for the third source of an upload.

- `files`: an uploaded file as a whole (its name, size and bytes), read as text or checked as a
  PDF; `UploadError`, which says why a file can't be read;
- `lists`: lists typed into a textarea (codes, language shares, generator models), and lists of
  hosts;
- `cells`: the columns of a sheet of sources, what each may hold, and reading one cell;
- `examples`: the template's example rows, which an upload may not file as sources;
- `sheets`: reading a CSV file or an XLSX workbook of sources, a source a row (`SourcesFile`);
- `report`: what an upload's rows still need, and where each problem sits in the sheet;
- `dictionary`: the data dictionary, generated from the rules that check each column;
- `template`: the template of a sources upload, as CSV and as an Excel workbook.

Each module imports only those listed above it. Callers import each name from the module that
holds it: this package re-exports nothing.
"""
