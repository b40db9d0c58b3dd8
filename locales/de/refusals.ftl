# Die `message`s der HTTP-Ablehnungen (src/http/*.rs) in der Sprache des
# Clients; die `code`s daneben ändern sich nie.

## Der Organisationsbereich (src/http/organise.rs)
refusal-organiser-log-in = Das darf nur die Organisation: Melde dich unter /organise an.
refusal-organiser-local = Das darf nur die Organisation: Öffne den Organisationsbereich in einem Browser auf dem Computer, auf dem dieser Server läuft, unter http://localhost:PORT/organise oder http://127.0.0.1:PORT/organise (PORT wie in --addr).
refusal-organiser-closed = Der Organisationsbereich (/organise) ist für andere Geräte geschlossen: Dieser Server lauscht ohne Admin-Passwort auf einer öffentlichen Adresse, darum darf nur ein Browser auf dem Computer, auf dem er läuft, organisieren, unter http://127.0.0.1:PORT/organise (PORT wie in --addr). Um von einem anderen Gerät aus zu organisieren, starte ihn mit --admin-password PASSWORT (oder der Umgebungsvariablen YEARBOOK_ADMIN_PASSWORD) neu.
refusal-organiser-proxy = Der Organisationsbereich (/organise) ist geschlossen: Hinter einem Proxy kommt jede Anfrage von der Adresse des Proxys, also beweist es nichts, an diesem Computer zu sitzen. Starte den Server mit --admin-password PASSWORT (oder der Umgebungsvariablen YEARBOOK_ADMIN_PASSWORD) neu.
refusal-guest-code-chars = Der Gästecode darf nur Buchstaben, Ziffern, Leerzeichen, Bindestriche, Punkte und Apostrophe enthalten: { $chars } lässt sich nicht auf jedem Handy tippen.
refusal-guest-code-long = Der Gästecode hat höchstens { $max } Zeichen; dieser hat { $len }.
refusal-guest-code-short = Der Gästecode braucht mindestens { $min } Zeichen, damit er nicht sofort erraten wird.
