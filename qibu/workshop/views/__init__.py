"""The workshop's pages, one module per part: `prepare` (the list, creating, inviting, drawing groups, the
printable sheet), `room` (a group's screen through every step, the plenary and the CEO's decision), `record`
(the overview while it runs, the record afterwards and its spreadsheet), `live` (the channel every screen
follows)."""
