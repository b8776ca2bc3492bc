"""The set step's planning (SET-1, SET-2, SET-7): employees' proposals and objections on the drafts of their
department and company, the take-ups that show which submissions a draft built on, the planning board that shows
where the company, every department and every person stand in the method's order, and the approver's queue."""
