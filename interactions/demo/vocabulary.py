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
