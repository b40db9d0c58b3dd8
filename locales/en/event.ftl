# The event-code gate of a private event (src/http/event.rs), server only.
event-title = Event code
event-lead = This game is private. Type the event code from the invitation or the screen.
event-label = Event code
event-continue = Continue
event-wrong = That is not the code. Try again.
event-too-many = Too many wrong codes from your network. Wait a minute, then try again.
event-required = This game is private: open the link from the invitation or type the event code.
