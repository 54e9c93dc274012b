#!/usr/bin/env python3
"""Writes the small vendor-format samples of this folder. Every person is fictional: names from a
made-up list, emails in example.com, phones in the 555-01xx range reserved for fiction. Shows are
fictional; venues and municipalities are real places of Québec's presenting network.

    python3 make_samples.py        # CSV and JSON (standard library only)
    python3 make_samples.py --spreadsheets   # also tour-dates.xlsx, venues.ods, grants.xls
                                             # (needs: pip install openpyxl odfpy xlwt)
"""

import csv
import datetime
import json
import sys

PEOPLE = [
    ("Aurèle", "Fictif", "J1H 5N4"),
    ("Bérénice", "Imaginaire", "H2X 1Y4"),
    ("Célestin", "Inventé", "G1R 4P5"),
    ("Dorothée", "Supposé", "G9A 5H7"),
    ("Éloi", "Chimère", "G5L 7C2"),
    ("Florence", "Mirage", "J1H 5N4"),
]
SHOWS = [
    ("Les Marées fictives", "2026-12-04 20:00", "Centre culturel de l'Université de Sherbrooke", "Sherbrooke"),
    ("Le Bal des hypothèses", "2026-12-11 19:30", "Salle J.-Antonio-Thompson", "Trois-Rivières"),
    ("Chansons pour personne", "2027-01-15 20:00", "Salle Desjardins-Telus", "Rimouski"),
]


def person(n):
    first, last, postal = PEOPLE[n % len(PEOPLE)]
    email = f"{first.lower().replace('è', 'e').replace('é', 'e').replace('É', 'e')}.{last.lower()}{n}@example.com"
    email = email.replace("é", "e").replace("è", "e").replace("ï", "i")
    return first, last, email, f"514-555-01{n % 100:02d}", postal


def write_csv(name, header, rows, delimiter=",", encoding="utf-8"):
    with open(name, "w", newline="", encoding=encoding) as f:
        writer = csv.writer(f, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)


def eventbrite_attendees():
    header = ["Order #", "Order Date", "First Name", "Last Name", "Email", "Quantity", "Ticket Type",
              "Attendee #", "Group", "Order Type", "Currency", "Total Paid", "Fees Paid", "Eventbrite Fees",
              "Eventbrite Payment Processing", "Attendee Status", "Event Name", "Event ID", "Event Start Date",
              "Home Zip", "Cell Phone"]
    rows = []
    for n in range(12):
        first, last, email, phone, postal = person(n)
        show, start, _, _ = SHOWS[n % 3]
        rows.append([str(1400000 + n // 2), f"2026-11-{1 + n:02d} 10:{n:02d}:00", first, last, email, "1",
                     ["Adulte", "Aîné", "Étudiant"][n % 3], str(2800000 + n), "", "Eventbrite Completed", "CAD",
                     ["42.00", "36.00", "25.00"][n % 3], "2.50", "1.99", "1.27",
                     "Refunded" if n == 7 else "Attending", show, str(900000 + n % 3), start + ":00", postal, phone])
    write_csv("eventbrite-attendees-en.csv", header, rows)
    french = ["N° de commande", "Date de la commande", "Prénom", "Nom de famille", "Adresse électronique",
              "Quantité", "Type de billet", "N° du participant", "Groupe", "Type de commande", "Devise",
              "Total payé", "Frais payés", "Frais Eventbrite", "Traitement des paiements Eventbrite",
              "Statut du participant", "Nom de l'événement", "ID de l'événement", "Date de début de l'événement",
              "Code postal du domicile", "Téléphone portable"]
    rows_fr = [r[:11] + [r[11].replace(".", ",") + " $"] + r[12:15] + ["Présent" if r[15] == "Attending" else "Remboursé"]
               + r[16:] for r in rows]
    with open("eventbrite-attendees-fr.csv", "w", newline="", encoding="utf-8-sig") as f:
        writer = csv.writer(f, delimiter=";")
        writer.writerow(french)
        writer.writerows(rows_fr)


def eventbrite_orders():
    header = ["Order #", "Order Date", "Buyer First Name", "Buyer Last Name", "Buyer Email", "Quantity",
              "Ticket Type", "Gross Sales", "Order Status", "Event Name", "Event ID", "Event Date", "Billing Zip"]
    rows = []
    for n in range(8):
        first, last, email, _, postal = person(n)
        show, start, _, _ = SHOWS[n % 3]
        quantity = 1 + n % 3
        rows.append([str(1500000 + n), f"2026-10-{10 + n} 09:15:00", first, last, email, str(quantity),
                     "Adulte", f"{42 * quantity}.00", "Completed", show, str(900000 + n % 3), start, postal])
    write_csv("eventbrite-orders.csv", header, rows)


def tessitura(name, header, make):
    write_csv(name, header, [make(n) for n in range(8)])


def tessitura_all():
    def common(n):
        show, start, venue, _ = SHOWS[n % 3]
        _, _, email, _, postal = person(n)
        return show, start, venue, email, postal
    tessitura("tessitura-orders.csv",
              ["order_no", "order_dt", "perf_no", "perf_desc", "perf_dt", "facility_desc", "num_seats",
               "tot_due_amt", "channel_desc", "email_address", "postal_code", "order_status"],
              lambda n: [str(300100 + n), f"2026-10-0{1 + n % 9} 14:00:00", str(5100 + n % 3), common(n)[0],
                         common(n)[1], common(n)[2], str(1 + n % 2), f"{45 * (1 + n % 2)}.00", "Web",
                         common(n)[3], common(n)[4], "Active"])
    tessitura("tessitura-line-items.csv",
              ["order_no", "li_seq_no", "order_dt", "perf_no", "perf_desc", "perf_dt", "facility_desc",
               "num_seats", "due_amt", "zone_desc", "channel_desc", "email_address", "postal_code", "li_status_desc"],
              lambda n: [str(300100 + n // 2), str(1 + n % 2), "2026-10-05 11:30:00", str(5100 + n % 3),
                         common(n)[0], common(n)[1], common(n)[2], "2", "90.00", "Parterre", "Box Office",
                         common(n)[3], common(n)[4], "Seated, Paid"])
    tessitura("tessitura-sub-line-items.csv",
              ["order_no", "sli_no", "order_dt", "perf_no", "perf_desc", "perf_dt", "facility_desc", "due_amt",
               "price_type_desc", "sli_status_desc", "channel_desc", "email_address", "postal_code"],
              lambda n: [str(300100 + n // 3), str(7000 + n), "2026-10-05 11:30:00", str(5100 + n % 3),
                         common(n)[0], common(n)[1], common(n)[2], "45.00", ["Adult", "Senior", "Student"][n % 3],
                         "Returned" if n == 5 else "Seated, Paid", "Phone", common(n)[3], common(n)[4]])


def archtics():
    header = ["event_id", "event_name", "event_date", "event_time", "venue_name", "section_name", "row_name",
              "seat_num", "num_seats", "acct_id", "email_addr", "price_code", "block_purchase_price",
              "add_datetime", "sell_location", "ticket_status", "seat_block_id"]
    rows = []
    for n in range(8):
        show, start, venue, _ = SHOWS[n % 3]
        _, _, email, _, postal = person(n)
        date = datetime.datetime.strptime(start, "%Y-%m-%d %H:%M")
        rows.append([f"EVT{n % 3}", show, date.strftime("%m/%d/%Y"), date.strftime("%I:%M %p"), venue, "PARTERRE",
                     "F", str(10 + n), "2", str(880000 + n), email, "A", "38.50", f"10/{1 + n:02d}/2026 13:45",
                     "Internet", "Sold", f"SB{n}"])
    write_csv("archtics-tickets.csv", header, rows)


def patronmanager():
    header = ["Ticket Order", "Ticket Order Item Name", "Event Instance", "Instance Date", "Venue", "Order Date",
              "Unit Price", "Quantity", "Price Level", "Status", "Order Origin", "Contact: Email",
              "Contact: Mailing Zip/Postal Code"]
    rows = []
    for n in range(8):
        show, start, venue, _ = SHOWS[n % 3]
        _, _, email, _, postal = person(n)
        date = datetime.datetime.strptime(start, "%Y-%m-%d %H:%M")
        rows.append([f"TO-{4100 + n}", f"TOI-{9100 + n}", show, date.strftime("%m/%d/%Y %I:%M %p"), venue,
                     f"10/{5 + n:02d}/2026", "$39.00", "1", "Orchestra", "Active", "Online", email, postal])
    write_csv("patronmanager-ticket-order-items.csv", header, rows)


def generic():
    header = ["Spectacle", "Date", "Heure", "Salle", "Ville", "Prix", "Quantité", "Type de prix", "Canal",
              "Courriel", "Code postal", "Consentement"]
    rows = []
    for n in range(10):
        show, start, venue, city = SHOWS[n % 3]
        date = datetime.datetime.strptime(start, "%Y-%m-%d %H:%M")
        _, _, email, _, postal = person(n)
        rows.append([show, date.strftime("%d/%m/%Y"), date.strftime("%H h %M"), venue, city,
                     ["34,50 $", "29,75 $", "0,00 $"][n % 3], "1", ["Régulier", "Aîné", "Faveur"][n % 3],
                     ["Billetterie", "Web", "Téléphone"][n % 3], email, postal, ["oui", "non"][n % 2]])
    write_csv("generic-tickets-fr.csv", header, rows, delimiter=";", encoding="cp1252")
    bad = [
        ["Les Marées fictives", "31/02/2026", "20 h", "Centre culturel de l'Université de Sherbrooke", "Sherbrooke", "34,50 $", "1", "Régulier", "Web", "a@example.com", "J1H 5N4", "oui"],
        ["Les Marées fictives", "04/12/2026", "20 h", "Centre culturel de l'Université de Sherbrooke", "Sherbrooke", "douze", "1", "Régulier", "Web", "b@example.com", "J1H 5N4", "oui"],
        ["", "04/12/2026", "20 h", "Centre culturel de l'Université de Sherbrooke", "Sherbrooke", "34,50 $", "1", "Régulier", "Web", "c@example.com", "J1H 5N4", "non"],
        ["Les Marées fictives", "04/12/2026", "20 h", "Centre culturel de l'Université de Sherbrooke", "Sherbrooke", "34,50 $", "-1", "Régulier", "Web", "d@example.com", "J1H 5N4", "non"],
        ["Les Marées fictives", "04/12/2026", "20 h", "Centre culturel de l'Université de Sherbrooke", "Sherbrooke", "34,50 $", "1"],
        ["Les Marées fictives", "04/12/2026", "20 h", "Centre culturel de l'Université de Sherbrooke", "Sherbrooke", "34,50 $", "2", "Régulier", "Web", "e@example.com", "J1H 5N4", "oui"],
    ]
    write_csv("generic-tickets-bad.csv", header, bad, delimiter=";")


def tour_dates():
    header = ["Date", "Heure", "Spectacle", "Diffuseur", "Salle", "Ville", "Statut", "Option (rang)",
              "Type d'entente", "Cachet", "Devise", "Notes"]
    rows = [
        ["2027-02-12", "20:00", "Les Marées fictives", "Diffusion culturelle de Rimouski", "Salle Desjardins-Telus", "Rimouski", "Confirmé", "", "Cachet fixe", "4 500,00 $", "CAD", ""],
        ["2027-02-13", "20:00", "Les Marées fictives", "Culture Trois-Rivières", "Salle J.-Antonio-Thompson", "Trois-Rivières", "Option", "1", "Partage des recettes", "", "CAD", "à confirmer en janvier"],
        ["2027-02-18", "19:30", "Le Bal des hypothèses", "Salle d'essai de Sherbrooke", "Théâtre d'essai", "Sherbrooke", "Contrat signé", "", "Cachet fixe", "3 800,00 $", "CAD", ""],
        ["2027-03-02", "20:00", "Le Bal des hypothèses", "Diffusion culturelle de Rimouski", "Salle Desjardins-Telus", "Rimouski", "Demande", "", "Garantie contre pourcentage", "2 000,00 $", "CAD", ""],
        ["2027-03-05", "20:00", "Chansons pour personne", "Culture Trois-Rivières", "Salle J.-Antonio-Thompson", "Trois-Rivières", "Annulé", "", "Cachet fixe", "1 500,00 $", "CAD", ""],
    ]
    write_csv("tour-dates.csv", header, rows)
    return header, rows


def venues():
    header = ["Nom", "Adresse", "Ville", "Code postal", "Province", "Pays", "Latitude", "Longitude", "Salle",
              "Jauge", "Site web", "Wikidata"]
    rows = [
        ["Centre culturel de l'Université de Sherbrooke", "2500, boulevard de l'Université", "Sherbrooke", "J1K 2R1", "QC", "CA", "45,3787", "-71,9286", "Salle Maurice-O'Bready", "1628", "https://www.centrecultureludes.ca", ""],
        ["Salle J.-Antonio-Thompson", "374, rue des Forges", "Trois-Rivières", "G9A 2H1", "QC", "CA", "46,3432", "-72,5418", "", "1050", "", ""],
        ["Salle Desjardins-Telus", "25, rue Saint-Germain Ouest", "Rimouski", "G5L 4B4", "QC", "CA", "48,4522", "-68,5236", "", "800", "", ""],
        ["Théâtre d'essai", "", "Sherbrooke", "", "QC", "CA", "", "", "Studio", "120", "", ""],
    ]
    write_csv("venues.csv", header, rows)
    return header, rows


def grants():
    header = ["Bailleur de fonds", "Programme", "Montant", "Début", "Fin", "Échéances de reddition", "Devise"]
    rows = [
        ["Conseil des arts et des lettres du Québec", "Soutien à la mission", "85 000,00 $", "2026-04-01", "2027-03-31", "2026-10-31; 2027-06-30", "CAD"],
        ["Conseil des arts du Canada", "Diffusion de spectacles", "40 000,00 $", "2026-07-01", "2027-06-30", "2027-09-30", "CAD"],
        ["Ville de Sherbrooke", "Fonds culturel municipal", "12 500,00 $", "2026-01-01", "2026-12-31", "", "CAD"],
    ]
    write_csv("grants.csv", header, rows)
    return header, rows


def spektrix():
    """Spektrix API v3 responses as a real venue's come: `events` with the venue's own
    `attribute_*` fields, the first instance's start and the last one's end, and `locations` (one
    with an empty address); `instances`; and events with their instances flattened in
    (`instance_*`), as a pipeline writes them. Fictional venues and shows."""
    locations = [
        {"name": place, "address": {"streetAddress": None, "addressLocality": town, "addressRegion": "QC",
                                    "postalCode": None, "addressCountry": "CA"}, "id": f"41{n}APLACE"}
        for n, (_, _, place, town) in enumerate(SHOWS)
    ]
    locations[2]["address"] = {}
    events = []
    for n, (show, start, _, _) in enumerate(SHOWS):
        first = start.replace(" ", "T") + ":00"
        minutes = 90 + 10 * n
        # The first show plays twice, a week apart: its last instance ends a week later.
        last_start = datetime.datetime.fromisoformat(first) + datetime.timedelta(days=7 if n == 0 else 0)
        last_end = (last_start + datetime.timedelta(minutes=minutes)).isoformat()
        events.append({
            "description": "Spectacle fictif.", "htmlDescription": "<p>Spectacle fictif.</p>",
            "duration": minutes, "imageUrl": None, "isOnSale": True, "name": show,
            "instanceDates": start, "thumbnailUrl": None, "webEventId": None, "id": f"2401ARNQ{n}",
            "firstInstanceDateTime": first, "lastInstanceDateTime": last_end,
            "attribute_Genre": "Théâtre", "attribute_PresentedBy": "Diffuseur fictif",
            "locations": [locations[n]],
        })
    with open("spektrix-events.json", "w", encoding="utf-8") as f:
        json.dump(events, f, ensure_ascii=False, indent=2)
    instances = [{"id": f"3301ABCD{n}", "event": {"id": f"2401ARNQ{n % 3}"},
                  "start": SHOWS[n % 3][1].replace(" ", "T") + ":00", "startUtc": "", "cancelled": n == 4,
                  "isOnSale": True, "planId": "PL1"} for n in range(6)]
    with open("spektrix-instances.json", "w", encoding="utf-8") as f:
        json.dump(instances, f, ensure_ascii=False, indent=2)
    # Flattened: one row per instance, the event's fields beside the instance's.
    flattened = []
    plays = [(0, 0), (0, 7), (1, 0), (2, 0)]
    for n, (event, days) in enumerate(plays):
        start = datetime.datetime.fromisoformat(events[event]["firstInstanceDateTime"]) + datetime.timedelta(days=days)
        row = {key: value for key, value in events[event].items()}
        row["source"] = "fictif"
        row.update({
            "instance_isOnSale": True, "instance_planId": "PL1", "instance_priceList": {"id": "PRIX1"},
            "instance_event": {"id": events[event]["id"]}, "instance_start": start.isoformat(),
            "instance_startUtc": (start + datetime.timedelta(hours=5)).isoformat(),
            "instance_webInstanceId": None, "instance_cancelled": n == 2,
            "instance_id": f"8801AINST{n}", "instance_hasBestAvailableOverlay": False,
            "instance_attribute_SLMatinee": False, "instance_attribute_SLRelaxed": False,
        })
        flattened.append(row)
    with open("spektrix-events-instances.json", "w", encoding="utf-8") as f:
        json.dump(flattened, f, ensure_ascii=False, indent=2)


def spreadsheets(tour, venue_rows, grant_rows):
    import openpyxl
    import xlwt
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableRow, TableCell
    from odf.text import P

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Tournée 2027"
    sheet.append(["Tournée 2027 : dates confirmées et options"])
    sheet.append(tour[0])
    for row in tour[1]:
        values = list(row)
        values[0] = datetime.datetime.strptime(row[0], "%Y-%m-%d")
        sheet.append(values)
    book.save("tour-dates.xlsx")

    doc = OpenDocumentSpreadsheet()
    table = Table(name="Lieux")
    for row in [venue_rows[0]] + venue_rows[1]:
        tr = TableRow()
        for value in row:
            cell = TableCell(valuetype="string")
            cell.addElement(P(text=value))
            tr.addElement(cell)
        table.addElement(tr)
    doc.spreadsheet.addElement(table)
    doc.save("venues.ods")

    workbook = xlwt.Workbook()
    sheet = workbook.add_sheet("Subventions")
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for c, value in enumerate(grant_rows[0]):
        sheet.write(0, c, value)
    for r, row in enumerate(grant_rows[1], start=1):
        for c, value in enumerate(row):
            if c in (3, 4):
                sheet.write(r, c, datetime.datetime.strptime(value, "%Y-%m-%d"), date_style)
            else:
                sheet.write(r, c, value)
    workbook.save("grants.xls")


if __name__ == "__main__":
    eventbrite_attendees()
    eventbrite_orders()
    tessitura_all()
    archtics()
    patronmanager()
    generic()
    spektrix()
    tour = tour_dates()
    venue_rows = venues()
    grant_rows = grants()
    if "--spreadsheets" in sys.argv:
        spreadsheets(tour, venue_rows, grant_rows)
