"""The quarter's calendar (PLAY-EXEC): the seven phases of every quarter with their dates, what is done and what is
missing for the company, each department and each person, who is late; and the reports of a quarter's close."""
