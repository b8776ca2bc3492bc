"""Action plans (EXE-8; PLAY-MKT steps 3–5, PLAY-LEAD step 4, PLAY-MGMT step 4): the concrete steps under a key
result, each with who does it, who answers for it and who decides, its resources and its timetable; the Gantt
chart of a team's, a department's or a project's steps; overdue steps told to their owner and the owner's
manager."""
