/*
 * The names assure-seed gives performers, shared with assure-bench so that
 * `--op performer-list-name` searches for substrings that occur (each
 * surname is used by about 1 in SEED_SURNAMES performers).
 */
#ifndef ASSURE_SEED_NAMES_H
#define ASSURE_SEED_NAMES_H

static const char *const seed_first_names[] = {
    "Aisha",  "Alan",	"Amelia", "Andrew", "Anil",    "Beth", "Catherine", "Chen",
    "Claire", "Daniel", "David",  "Deepa",  "Eleanor", "Emma", "Fatima",    "Fiona",
    "George", "Grace",	"Hannah", "Harry",  "Imran",   "Isla", "James",	    "Joanna",
    "Kate",   "Kwame",	"Laura",  "Liam",   "Mark",    "Mary", "Mohammed",  "Nadia",
    "Niall",  "Olivia", "Owen",	  "Priya",  "Rachel",  "Rhys", "Richard",   "Ruth",
    "Sarah",  "Simon",	"Sophie", "Tariq",  "Thomas",  "Una",  "Victoria",  "William",
};

static const char *const seed_surnames[] = {
    "Abbott",	"Ahmed",    "Baker",   "Bennett",  "Brown",    "Campbell", "Chapman",  "Clarke",
    "Cooper",	"Davies",   "Edwards", "Evans",	   "Fletcher", "Foster",   "Gill",     "Graham",
    "Green",	"Hall",	    "Harris",  "Hughes",   "Hussain",  "Jackson",  "James",    "Johnson",
    "Jones",	"Kaur",	    "Kelly",   "Khan",	   "King",     "Lee",	   "Lewis",    "Lloyd",
    "Martin",	"Mitchell", "Moore",   "Morgan",   "Murphy",   "Nguyen",   "Novak",    "Okafor",
    "Owen",	"Parker",   "Patel",   "Phillips", "Price",    "Rahman",   "Roberts",  "Robinson",
    "Rose",	"Scott",    "Shah",    "Singh",	   "Smith",    "Stewart",  "Taylor",   "Thomas",
    "Thompson", "Turner",   "Walker",  "Ward",	   "Watson",   "White",	   "Williams", "Wilson",
    "Wood",	"Wright",   "Young",   "Zhang",
};

#define SEED_FIRST_NAMES (sizeof seed_first_names / sizeof seed_first_names[0])
#define SEED_SURNAMES (sizeof seed_surnames / sizeof seed_surnames[0])

#endif
