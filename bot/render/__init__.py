"""How the bot writes each thing it shows (todos, events, meds, jobs, AI actions, proposals),
in French and in Telegram's HTML: one module per entity, for the routers and the digest alike."""
