client_id     = "Enter_the_Application_Id_here"
client_secret = "<client-secret>"
