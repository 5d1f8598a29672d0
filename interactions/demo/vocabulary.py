"""The fixed material demo data are drawn from: names, places, devices, links, pages, forms, campaigns, events,
and the weights of the calendar and of the kinds of episode. No external data."""

FIRST_NAMES = (
    "Olivia", "Liam", "Emma", "Noah", "Ava", "James", "Sophia", "William", "Isabella", "Benjamin", "Mia",
    "Lucas", "Charlotte", "Henry", "Amelia", "Alexander", "Harper", "Daniel", "Evelyn", "Michael", "Emily",
    "Matthew", "Abigail", "David", "Ella", "Joseph", "Grace", "Samuel", "Chloe", "Jack", "Victoria", "Ryan",
    "Hannah", "Nathan", "Zoë", "Thomas", "Lena", "Felix", "Anna", "Jonas", "Marie", "Leon", "Sophie", "Paul",
    "Clara", "Luca", "Giulia", "Marco", "Chiara", "Matteo", "Camille", "Hugo", "Léa", "Louis", "Chloé",
    "Mateo", "Lucía", "Santiago", "Valentina", "Diego", "Sofía", "Javier", "Carmen", "João", "Beatriz",
    "Pedro", "Ana", "Lars", "Ingrid", "Erik", "Astrid", "Mikael", "Freya", "Sven", "Maja", "Aarav", "Priya",
    "Rohan", "Ananya", "Vikram", "Meera", "Arjun", "Kavya", "Wei", "Mei", "Jun", "Yuki", "Haruto", "Sakura",
    "Min-jun", "Seo-yeon", "Ji-ho", "Amara", "Kwame", "Chidi", "Zanele", "Omar", "Layla", "Yusuf", "Fatima",
    "Mehmet", "Elif", "Piotr", "Zofia", "Jakub", "Katarzyna", "Sean", "Aoife", "Connor", "Niamh", "Ethan",
    "Madison", "Tyler", "Brooke", "Jordan", "Taylor", "Morgan", "Riley",
)
LAST_NAMES = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
    "Wilson", "Anderson", "Taylor", "Thomas", "Moore", "Jackson", "Martin", "Lee", "Thompson", "White",
    "Harris", "Clark", "Lewis", "Walker", "Hall", "Young", "King", "Wright", "Scott", "Green", "Baker",
    "Adams", "Nelson", "Campbell", "Mitchell", "Roberts", "Carter", "Phillips", "Evans", "Turner", "Müller",
    "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Hoffmann", "Schulz", "Koch",
    "Dubois", "Lefèvre", "Moreau", "Laurent", "Bernard", "Fontaine", "Rossi", "Russo", "Ferrari", "Esposito",
    "Bianchi", "Romano", "Fernández", "López", "González", "Sánchez", "Pérez", "Silva", "Santos", "Oliveira",
    "Costa", "Johansson", "Andersson", "Nilsson", "Larsen", "Hansen", "Nielsen", "Jensen", "de Vries",
    "van Dijk", "Jansen", "Bakker", "Patel", "Sharma", "Gupta", "Singh", "Kumar", "Iyer", "Chen", "Wang",
    "Li", "Zhang", "Liu", "Tanaka", "Suzuki", "Sato", "Takahashi", "Kim", "Park", "Choi", "Okafor", "Mensah",
    "Nkosi", "Haddad", "Khan", "Yilmaz", "Kaya", "Nowak", "Kowalski", "Wiśniewski", "O'Brien", "Murphy",
    "Kelly", "Byrne", "MacDonald", "Fraser", "Novak", "Horváth",
)
PERSONAL_DOMAINS = (
    ("gmail.com", 30), ("outlook.com", 12), ("yahoo.com", 6), ("hotmail.com", 5), ("icloud.com", 4),
    ("gmx.de", 2), ("web.de", 1.5), ("orange.fr", 1), ("proton.me", 1),
)
COMPANY_DOMAINS = (
    "fabrikam.com", "adventure-works.com", "northwindtraders.com", "wingtiptoys.com", "tailspintoys.com",
    "litwareinc.com", "proseware.com", "woodgrovebank.com", "alpineskihouse.com", "blueyonderairlines.com",
    "cohowinery.com", "fourthcoffee.com", "margiestravel.com", "lucernepublishing.com", "treyresearch.net",
    "humongousinsurance.com", "wideworldimporters.com", "relecloud.com", "bellowscollege.edu",
    "graphicdesigninstitute.com", "consolidatedmessenger.com", "southridgevideo.com",
)

# country, weight, cities: (city, state or None, postal code pattern: '#' is a digit)
COUNTRIES = (
    ("US", 30, (("New York", "NY", "100##"), ("San Francisco", "CA", "941##"), ("Seattle", "WA", "981##"),
                ("Chicago", "IL", "606##"), ("Austin", "TX", "787##"), ("Boston", "MA", "021##"),
                ("Denver", "CO", "802##"), ("Atlanta", "GA", "303##"))),
    ("GB", 10, (("London", "England", "EC#A #AB"), ("Manchester", "England", "M# #AB"),
                ("Edinburgh", "Scotland", "EH# #AB"), ("Bristol", "England", "BS# #AB"))),
    ("DE", 10, (("Berlin", "Berlin", "10###"), ("München", "Bayern", "80###"), ("Hamburg", "Hamburg", "20###"),
                ("Köln", "Nordrhein-Westfalen", "50###"), ("Frankfurt am Main", "Hessen", "60###"))),
    ("FR", 6, (("Paris", "Île-de-France", "750##"), ("Lyon", "Auvergne-Rhône-Alpes", "6900#"),
               ("Toulouse", "Occitanie", "310##"))),
    ("CA", 5, (("Toronto", "ON", "M5V ###"), ("Vancouver", "BC", "V6B ###"), ("Montréal", "QC", "H2X ###"))),
    ("IN", 5, (("Bengaluru", "Karnataka", "5600##"), ("Mumbai", "Maharashtra", "4000##"),
               ("Hyderabad", "Telangana", "5000##"))),
    ("NL", 4, (("Amsterdam", "Noord-Holland", "10## AB"), ("Rotterdam", "Zuid-Holland", "30## CD"))),
    ("AU", 4, (("Sydney", "NSW", "2###"), ("Melbourne", "VIC", "3###"), ("Brisbane", "QLD", "4###"))),
    ("ES", 3, (("Madrid", "Comunidad de Madrid", "280##"), ("Barcelona", "Cataluña", "080##"))),
    ("IT", 3, (("Milano", "Lombardia", "201##"), ("Roma", "Lazio", "001##"))),
    ("BR", 3, (("São Paulo", "SP", "01###-###"), ("Rio de Janeiro", "RJ", "20###-###"))),
    ("SE", 2, (("Stockholm", None, "1## ##"), ("Göteborg", None, "4## ##"))),
    ("CH", 2, (("Zürich", "ZH", "80##"), ("Genève", "GE", "12##"))),
    ("IE", 2, (("Dublin", None, "D0#"), ("Cork", None, "T12"))),
    ("PL", 2, (("Warszawa", "Mazowieckie", "00-###"), ("Kraków", "Małopolskie", "30-###"))),
    ("JP", 2, (("Tokyo", "Tokyo", "1##-####"), ("Osaka", "Osaka", "5##-####"))),
    ("MX", 2, (("Ciudad de México", "CDMX", "06###"), ("Guadalajara", "Jalisco", "44###"))),
    ("DK", 1, (("København", None, "1###"),)),
    ("SG", 1, (("Singapore", None, "0#####"),)),
    ("ZA", 1, (("Cape Town", "Western Cape", "80##"), ("Johannesburg", "Gauteng", "20##"))),
)
BROWSERS = (  # name, weight, versions
    ("Chrome", 62, ("124.0", "126.0", "128.0", "131.0", "133.0")),
    ("Safari", 20, ("17.4", "17.6", "18.1", "18.3")),
    ("Edge", 10, ("124.0", "128.0", "131.0")),
    ("Firefox", 6, ("125.0", "128.0", "133.0")),
    ("Samsung Internet", 2, ("25.0", "26.0")),
)
OPERATING_SYSTEMS = {  # browser -> (os, weight, versions)
    "Chrome": (("Windows", 55, ("10", "11")), ("Android", 25, ("13", "14", "15")), ("macOS", 15, ("14.5", "15.1")),
               ("Linux", 5, (None,))),
    "Safari": (("iOS", 60, ("17.5", "18.1", "18.3")), ("macOS", 40, ("14.5", "15.1", "15.3"))),
    "Edge": (("Windows", 95, ("10", "11")), ("macOS", 5, ("15.1",))),
    "Firefox": (("Windows", 60, ("10", "11")), ("Linux", 25, (None,)), ("macOS", 15, ("14.5",))),
    "Samsung Internet": (("Android", 100, ("13", "14")),),
}

# (friendly name, address) of the links in emails; the first is the pricing page.
EMAIL_LINKS = (
    ("See plans and pricing", "https://www.contoso.com/pricing"),
    ("Take the product tour", "https://www.contoso.com/products/segment-designer"),
    ("Read the blog post", "https://blog.contoso.com/posts/data-driven-marketing"),
    ("Register now", "https://events.contoso.com/webinars"),
    ("Request a demo", "https://www.contoso.com/demo"),
    ("Read customer stories", "https://www.contoso.com/customers"),
    ("Download the playbook", "https://www.contoso.com/resources/marketing-playbook"),
    ("Start your free trial", "https://www.contoso.com/trial"),
    ("Contact sales", "https://www.contoso.com/contact"),
    ("Manage your preferences", "https://www.contoso.com/preferences"),
)
REDIRECT_LINKS = (  # short link, target
    ("https://go.contoso.com/pricing", "https://www.contoso.com/pricing"),
    ("https://go.contoso.com/summit", "https://events.contoso.com/summit"),
    ("https://go.contoso.com/trial", "https://www.contoso.com/trial"),
    ("https://go.contoso.com/playbook", "https://www.contoso.com/resources/marketing-playbook"),
    ("https://go.contoso.com/webinar", "https://events.contoso.com/webinars"),
    ("https://go.contoso.com/linkedin-ad", "https://www.contoso.com/products/segment-designer"),
)
# website name, weight, base address, paths
WEBSITES = (
    ("Contoso Main Website", 60, "https://www.contoso.com",
     ("/", "/pricing", "/products", "/products/segment-designer", "/products/customer-journeys", "/solutions/retail",
      "/solutions/financial-services", "/customers", "/about", "/contact", "/demo", "/trial",
      "/resources/marketing-playbook", "/preferences")),
    ("Contoso Blog", 25, "https://blog.contoso.com",
     ("/", "/posts/data-driven-marketing", "/posts/10-tips-for-better-segments",
      "/posts/email-deliverability-checklist", "/posts/lead-scoring-101", "/posts/consent-and-gdpr")),
    ("Contoso Support Portal", 10, "https://support.contoso.com",
     ("/", "/docs/getting-started", "/docs/segments", "/docs/import-contacts", "/kb/bounced-emails")),
    ("Contoso Events", 5, "https://events.contoso.com", ("/", "/summit", "/webinars", "/roadshow")),
)
# marketing page name, address, form shown on it (or None)
PAGES = (
    ("Pricing Page", "https://www.contoso.com/pricing", "Pricing Inquiry"),
    ("Demo Request Page", "https://www.contoso.com/demo", "Request a Demo"),
    ("Free Trial Page", "https://www.contoso.com/trial", "Free Trial Signup"),
    ("Contact Us Page", "https://www.contoso.com/contact", "Contact Us"),
    ("Marketing Playbook Landing Page", "https://www.contoso.com/resources/marketing-playbook",
     "Whitepaper Download: Data-driven Marketing Playbook"),
    ("Subscription Center", "https://www.contoso.com/preferences", "Preference Center"),
    ("Newsletter Signup Page", "https://blog.contoso.com/", "Newsletter Signup"),
    ("Webinar Landing Page", "https://events.contoso.com/webinars", "Webinar Registration"),
    ("Customer Summit Page", "https://events.contoso.com/summit", "Event Registration"),
    ("Roadshow Page", "https://events.contoso.com/roadshow", "Event Registration"),
    ("Segment Designer Product Page", "https://www.contoso.com/products/segment-designer", None),
    ("Customer Stories Page", "https://www.contoso.com/customers", "Case Study Download"),
    ("Partner Program Page", "https://www.contoso.com/partners", "Partner Application"),
)
FORMS = (  # name, submit rate
    ("Pricing Inquiry", 0.35), ("Request a Demo", 0.45), ("Free Trial Signup", 0.55), ("Contact Us", 0.4),
    ("Whitepaper Download: Data-driven Marketing Playbook", 0.6), ("Preference Center", 0.7),
    ("Newsletter Signup", 0.5), ("Webinar Registration", 0.6), ("Event Registration", 0.5),
    ("Case Study Download", 0.5), ("Partner Application", 0.3), ("Customer Feedback", 0.4),
)
SEGMENTS = (
    "Monthly Newsletter", "Product Updates", "Event Invitations", "Webinar Alerts", "Special Offers",
    "Partner News", "Customer Success Stories", "Developer Digest",
)
SURVEYS = (
    "Net Promoter Score Survey", "Customer Satisfaction Survey", "Post-Event Feedback", "Webinar Feedback Survey",
    "Product Feedback: Segment Designer", "Onboarding Experience Survey",
)
WEBINAR_TOPICS = (
    "Data-driven Marketing", "Building Customer Journeys", "Email Deliverability Best Practices",
    "Segmentation Masterclass", "Measuring Campaign ROI", "Personalization at Scale",
    "Consent Management and GDPR", "Lead Scoring 101", "From Leads to Loyal Customers",
)
CONFERENCES = (  # name, month, day, weight
    ("Contoso Customer Summit {y}", 5, 14, 3.0), ("Marketing Innovation Day {y}", 10, 8, 2.0),
    ("Roadshow Berlin {y}", 3, 20, 1.0), ("Roadshow London {y}", 6, 12, 1.0), ("Roadshow New York {y}", 9, 24, 1.0),
)
# Seasonal campaigns: name, month, day, duration in days, segment, weight, emails
CAMPAIGNS = (
    ("New Year Kickoff {y}", 1, 8, 30, "Special Offers", 1.0, ("Kickoff Offer", "Reminder: Kickoff Offer")),
    ("Spring Product Launch {y}", 3, 1, 75, "Product Updates", 1.6,
     ("Teaser: Something New Is Coming", "Launch Announcement", "Feature Deep Dive", "Last Chance: Launch Offer")),
    ("Customer Summit {y} Invitations", 3, 20, 55, "Event Invitations", 1.2,
     ("Save the Date", "Registration Is Open", "Agenda and Speakers", "Final Reminder")),
    ("Summer Sale {y}", 6, 15, 45, "Special Offers", 1.2, ("Summer Sale Starts Now", "Summer Sale: Final Days")),
    ("Back to Business {y}", 9, 1, 40, "Product Updates", 1.0, ("Back to Business Guide", "Plan Your Q4")),
    ("Black Friday {y}", 11, 12, 20, "Special Offers", 1.8,
     ("Black Friday Preview", "Black Friday Deals Are Live", "Cyber Monday: Last Chance")),
    ("Year-End Customer Appreciation {y}", 12, 1, 28, "Customer Success Stories", 0.8,
     ("Thank You for a Great Year", "Your Year in Review")),
)
EVERGREEN = (  # name, segment, weight, emails (all active all the time)
    ("Welcome Series", "Product Updates", 1.5,
     ("Welcome to Contoso", "Getting Started Guide", "Meet Your Account Team")),
    ("Free Trial Nurture", "Product Updates", 1.2,
     ("Your Trial Has Started", "Tips for Your First Week", "Your Trial Ends Soon", "Upgrade Offer")),
    ("Re-engagement: We Miss You", "Special Offers", 0.6, ("We Miss You", "Still Interested?")),
    ("Partner Program Onboarding", "Partner News", 0.3, ("Welcome, Partner", "Partner Portal Tour")),
)
BOUNCE_CATEGORIES = {
    "EmailHardBounced": ("Invalid recipient", "Mailbox does not exist", "Domain does not exist"),
    "EmailSoftBounced": ("Mailbox full", "Temporary failure", "Message too large"),
    "EmailBlockBounced": ("Blocked as spam", "Blocked by recipient server policy"),
}
BLOCKED_REASONS = ("Recipient on suppression list", "Previously hard bounced", "Invalid email address",
                   "Recipient unsubscribed")
REFERRERS = (  # address, search engine or None, weight
    (None, None, 30), ("https://www.google.com/", "Google", 35), ("https://www.bing.com/", "Bing", 8),
    ("https://duckduckgo.com/", "DuckDuckGo", 2), ("https://www.linkedin.com/", None, 12),
    ("https://twitter.com/", None, 4), ("https://www.facebook.com/", None, 4),
    ("https://news.ycombinator.com/", None, 1),
)
SEARCH_PHRASES = ("segment designer", "marketing automation software", "customer journey tool", "contoso pricing",
                  "email marketing segmentation", "lead scoring best practices", "contoso webinar")
SCORE_WEIGHTS = (2, 1, 1.5, 2, 2.5, 4, 5, 9, 14, 20, 16)  # NPS-like answers 0..10
BOOST_VALUES = (5, 10, 10, 15, 20, 25, 50)
HOUR_WEIGHTS = (1, 0.6, 0.5, 0.5, 0.6, 1, 2, 4, 7, 9, 10, 9, 8, 9, 10, 9, 7, 5, 4, 3.5, 3, 2.5, 2, 1.5)
WEEKDAY_WEIGHTS = (1.0, 1.1, 1.05, 1.0, 0.85, 0.35, 0.3)  # Monday first
EPISODES = (  # kind, weight (of episodes, not rows)
    ("email", 68), ("web", 14), ("form", 5), ("event", 3), ("redirect", 3), ("survey", 2),
    ("subscription", 1.5), ("boost", 2),
)

# -- profile attributes (interactions/demo/profiles.py) ----------------------------------------------------

# Where contacts and accounts are: (city, state or None, postal code pattern: '#' is a digit, country, weight).
# A few big cities hold most contacts (the demo company sells from Oslo, so Oslo is one of them), then a long
# tail of smaller ones; countries are written out, as CRM address fields hold them.
PLACES = (
    ("London", "England", "EC# #AB", "United Kingdom", 14), ("New York", "NY", "100##", "United States", 12),
    ("Oslo", None, "0###", "Norway", 10), ("Berlin", "Berlin", "10###", "Germany", 7),
    ("Paris", "Île-de-France", "750##", "France", 6), ("Stockholm", None, "1## ##", "Sweden", 4),
    ("Toronto", "ON", "M5V ###", "Canada", 3.5), ("Chicago", "IL", "606##", "United States", 3),
    ("San Francisco", "CA", "941##", "United States", 3), ("Amsterdam", "Noord-Holland", "10## AB", "Netherlands", 3),
    ("Bergen", None, "5###", "Norway", 2.5), ("København", None, "1###", "Denmark", 2.5),
    ("München", "Bayern", "80###", "Germany", 2.2), ("Sydney", "NSW", "2###", "Australia", 2),
    ("Seattle", "WA", "981##", "United States", 2), ("Manchester", "England", "M# #AB", "United Kingdom", 2),
    ("Trondheim", None, "7###", "Norway", 1.6), ("Hamburg", "Hamburg", "20###", "Germany", 1.6),
    ("Boston", "MA", "021##", "United States", 1.6), ("Madrid", "Comunidad de Madrid", "280##", "Spain", 1.5),
    ("Dublin", None, "D0#", "Ireland", 1.5), ("Helsinki", None, "00###", "Finland", 1.4),
    ("Stavanger", None, "4###", "Norway", 1.3), ("Göteborg", None, "4## ##", "Sweden", 1.2),
    ("Zürich", "ZH", "80##", "Switzerland", 1.2), ("Austin", "TX", "787##", "United States", 1.2),
    ("Milano", "Lombardia", "201##", "Italy", 1.1), ("Vancouver", "BC", "V6B ###", "Canada", 1.1),
    ("Barcelona", "Cataluña", "080##", "Spain", 1.0), ("Edinburgh", "Scotland", "EH# #AB", "United Kingdom", 1.0),
    ("Lyon", "Auvergne-Rhône-Alpes", "6900#", "France", 0.9), ("Melbourne", "VIC", "3###", "Australia", 0.9),
    ("Frankfurt am Main", "Hessen", "60###", "Germany", 0.9),
    ("Rotterdam", "Zuid-Holland", "30## CD", "Netherlands", 0.8),
    ("Denver", "CO", "802##", "United States", 0.8), ("Atlanta", "GA", "303##", "United States", 0.8),
    ("Bengaluru", "Karnataka", "5600##", "India", 0.8), ("Warszawa", "Mazowieckie", "00-###", "Poland", 0.7),
    ("Aarhus", None, "8000", "Denmark", 0.7), ("Kristiansand", None, "46##", "Norway", 0.7),
    ("Malmö", None, "2## ##", "Sweden", 0.6), ("Köln", "Nordrhein-Westfalen", "50###", "Germany", 0.6),
    ("Tromsø", None, "9###", "Norway", 0.6), ("Drammen", None, "30##", "Norway", 0.6),
    ("Montréal", "QC", "H2X ###", "Canada", 0.6), ("Toulouse", "Occitanie", "310##", "France", 0.5),
    ("Roma", "Lazio", "001##", "Italy", 0.5), ("Bristol", "England", "BS# #AB", "United Kingdom", 0.5),
    ("Genève", "GE", "12##", "Switzerland", 0.5), ("Tokyo", "Tokyo", "1##-####", "Japan", 0.5),
    ("Singapore", None, "0#####", "Singapore", 0.5), ("São Paulo", "SP", "01###-###", "Brazil", 0.5),
    ("Mumbai", "Maharashtra", "4000##", "India", 0.4), ("Brisbane", "QLD", "4###", "Australia", 0.4),
    ("Cork", None, "T12", "Ireland", 0.4), ("Fredrikstad", None, "16##", "Norway", 0.4),
    ("Uppsala", None, "75# ##", "Sweden", 0.3), ("Odense", None, "5000", "Denmark", 0.3),
    ("Tampere", None, "33###", "Finland", 0.3), ("Kraków", "Małopolskie", "30-###", "Poland", 0.3),
    ("Cape Town", "Western Cape", "80##", "South Africa", 0.3), ("Ciudad de México", "CDMX", "06###", "Mexico", 0.3),
    ("Osaka", "Osaka", "5##-####", "Japan", 0.25), ("Ålesund", None, "60##", "Norway", 0.25),
    ("Bodø", None, "80##", "Norway", 0.2), ("Lillehammer", None, "26##", "Norway", 0.15),
)
PHONE_PATTERNS = {  # country -> telephone1 pattern ('#' is a digit)
    "United Kingdom": "+44 20 #### ####", "United States": "+1 ###-###-####", "Norway": "+47 ## ## ## ##",
    "Germany": "+49 ## #######", "France": "+33 # ## ## ## ##", "Sweden": "+46 8 ### ### ##",
    "Canada": "+1 ###-###-####", "Netherlands": "+31 ## ### ####", "Denmark": "+45 ## ## ## ##",
    "Australia": "+61 # #### ####", "Spain": "+34 ### ### ###", "Ireland": "+353 # ### ####",
    "Finland": "+358 ## ### ####", "Switzerland": "+41 ## ### ## ##", "Italy": "+39 ## #### ####",
    "India": "+91 ##### #####", "Poland": "+48 ## ### ## ##", "Japan": "+81 #-####-####",
    "Singapore": "+65 #### ####", "Brazil": "+55 ## ####-####", "South Africa": "+27 ## ### ####",
    "Mexico": "+52 ## #### ####",
}
LEGAL_FORMS = {  # country -> company name suffixes
    "Norway": ("AS", "AS", "ASA"), "Sweden": ("AB",), "Denmark": ("A/S", "ApS"), "Finland": ("Oy",),
    "Germany": ("GmbH", "GmbH", "AG"), "Switzerland": ("AG", "GmbH"), "United Kingdom": ("Ltd", "Ltd", "plc"),
    "Ireland": ("Ltd",), "United States": ("Inc.", "LLC", "Corp."), "Canada": ("Inc.", "Ltd."),
    "France": ("SAS", "SA"), "Netherlands": ("B.V.",), "Spain": ("S.L.", "S.A."), "Italy": ("S.r.l.", "S.p.A."),
    "Poland": ("sp. z o.o.",), "Australia": ("Pty Ltd",), "Brazil": ("Ltda.",), "Mexico": ("S.A. de C.V.",),
    "India": ("Pvt. Ltd.",), "Japan": ("K.K.",), "Singapore": ("Pte. Ltd.",), "South Africa": ("(Pty) Ltd",),
}
COMPANY_WORDS = (
    "Nordic", "Blue", "North", "Silver", "Bright", "Green", "Summit", "Harbor", "Polar", "Atlas", "Cedar",
    "Granite", "Fjord", "Aurora", "Pioneer", "Vertex", "Crescent", "Oak", "Maple", "Iron", "Coastal", "Golden",
    "Swift", "Clear", "Prime", "Union", "Metro", "Pacific", "Alpine", "Lakeside", "Riverside", "Highland",
    "Evergreen", "Falcon", "Orbit", "Nova", "Zenith", "Fabrikam", "Northwind", "Litware", "Proseware",
    "Tailspin", "Woodgrove", "Coho", "Lucerne", "Relecloud", "Adatum", "Wingtip", "Trey", "Humongous",
)
COMPANY_NOUNS = (
    "Systems", "Logistics", "Consulting", "Foods", "Analytics", "Media", "Health", "Energy", "Capital",
    "Partners", "Labs", "Retail", "Works", "Solutions", "Software", "Insurance", "Bank", "Motors", "Design",
    "Studios", "Trading", "Pharma", "Networks", "Marine", "Robotics", "Textiles", "Construction", "Hotels",
    "Seafood", "Engineering",
)
# Dataverse industrycode (1 Accounting ... 33 Wholesale) -> weight; unlisted codes are rare.
INDUSTRY_WEIGHTS = {
    1: 3, 3: 3, 6: 10, 7: 9, 8: 4, 9: 3, 10: 3, 11: 2, 12: 6, 13: 2, 16: 7, 17: 2, 20: 4, 21: 3, 22: 4, 24: 2,
    25: 3, 27: 2, 29: 2, 30: 5, 31: 2, 32: 2, 33: 5,
}
# (job title, weight). Decision makers are the chiefs, VPs, directors and heads of (about one in seven).
JOB_TITLES = (
    ("Chief Executive Officer", 1.2), ("Chief Marketing Officer", 1), ("Chief Technology Officer", 0.8),
    ("Chief Financial Officer", 0.7), ("Chief Operating Officer", 0.5), ("VP of Marketing", 1.2),
    ("VP of Sales", 1.2), ("VP of Engineering", 0.8), ("Marketing Director", 2), ("Sales Director", 1.5),
    ("IT Director", 1.2), ("Managing Director", 1.2), ("Director of Operations", 1), ("Head of Digital", 1.2),
    ("Head of Customer Success", 0.8), ("Head of E-commerce", 0.6),
    ("Marketing Manager", 8), ("Marketing Specialist", 7), ("Marketing Coordinator", 5),
    ("Digital Marketing Specialist", 5), ("Content Manager", 3), ("Product Manager", 5), ("Software Engineer", 7),
    ("Sales Representative", 7), ("Account Executive", 6), ("Account Manager", 5), ("Customer Success Manager", 4),
    ("Business Analyst", 4), ("Data Analyst", 4), ("Project Manager", 4), ("Operations Manager", 3),
    ("HR Manager", 2), ("Office Manager", 2), ("Consultant", 4), ("Graphic Designer", 2),
    ("Financial Controller", 2), ("Procurement Specialist", 1.5), ("Executive Assistant", 2), ("Student", 1),
)
DECISION_MAKER_WORDS = ("Chief", "VP", "Director", "Head of")  # what the "decision makers" example matches
PREFERRED_CONTACT_WEIGHTS = ((1, 45), (2, 35), (3, 12), (4, 1), (5, 4))  # Any, Email, Phone, Fax, Mail
