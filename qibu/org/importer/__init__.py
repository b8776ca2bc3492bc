"""Importing people, departments and teams from an .xlsx workbook or a CSV file.

`people_import` reads the whole file, checks every row and reports every problem (row, column, reason)
before anything is written; a file with any problem writes nothing. A valid file is written in one
transaction. Lookups are loaded once (people, departments, teams) and people are written in bulk, with no
password to hash, so a 10,000-row file takes seconds, not minutes (`bench/import_people.py` measures it).

Rules a user sees (also in the instructions sheet of `template_workbook`):
- The header row names the columns, in English or Chinese ("username", "用户名" or "用户名 username").
  Unknown columns are ignored. A column that is absent leaves that field of existing people unchanged;
  an empty cell clears it (except role, which stays).
- An e-mail address is one person's, in any letter case: a row repeating an earlier row's address, or giving one
  that someone else in Qibu has, is refused.
- Passwords are not imported: a password column must be empty. Each person without a password gets a one-time
  link to choose their own (`qibu.org.passwords`), which the administrator downloads after the import.
- department is a path from the top, "产品研发部/平台研发部"; missing departments are created. A single
  name that is not a top-level department but names exactly one existing sub-department means that one.
- is_head "yes" makes the person head of the row's department (and department_head when the role cell
  is empty and they were a member); "no" never removes an existing head.

The parts, in the order an import runs through them:
- `files`: reading the file as rows of cell texts (.xlsx, CSV in UTF-8, GBK or UTF-16);
- `header` (with the vocabulary in `words`): which column is which field, and the data rows under it;
- `checker`: every row checked against the database, every problem collected, a plan of the writes;
- `writer`: the plan written in bulk, with one history entry per person created or changed;
- `service`: `people_import`, the entry point tying them together;
- `template`: the workbook and CSV to fill in; `export`: people in the same columns, and set-password links;
- `cells`: the formula neutralisation of every cell written (and its undoing when read).
"""

from qibu.org.importer.results import ImportResult, RowError
from qibu.org.importer.service import people_import
from qibu.org.importer.template import template_csv, template_workbook

__all__ = ["ImportResult", "RowError", "people_import", "template_csv", "template_workbook"]
