"""The web server (``patientpacks serve``): the front desk page that prints
a leaflet filled in for one patient, the index of every leaflet, and an HL7
Infobutton endpoint for EHRs. It calls only ``patientpacks.api``.

    app.py          the application: its settings, what it keeps, its parts
    security.py     who may ask (token, session cookie), cross-site forms, headers, the access log
    routes.py       the pages and endpoints (thin: read the request, call the API, answer)
    views.py        what the pages show, worked out from the project
    infobutton.py   the Infobutton request read, and its Atom, JSON or HTML answer
    templates/      the pages (Jinja); static/ their stylesheet and script
"""
