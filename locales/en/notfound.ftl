notfound-page-title = No such room
notfound-title = No such game
notfound-lead = There is no game with the code { $code }.
notfound-check = Check the code on the big screen and try again.
notfound-start = Go to the start page
