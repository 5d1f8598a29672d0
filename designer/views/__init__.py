"""The designer's HTML pages, one module per page family: segments (list, import, data overview), editor (the
designer page and its fragments), members (members, CSV, history), accounts (sign in). Thin views: request -> form
state -> query -> service -> render."""
