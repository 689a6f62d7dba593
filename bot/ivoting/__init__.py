"""i-Voting: the voting calendar, reminders when a period opens and before it closes."""
