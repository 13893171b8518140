/**
 * The facts the demo generator draws from (seed.ts): real cities with their coordinates, and
 * the titles, industries and categories lead data is made of. Weights are rough shares.
 */

export interface City {
  name: string;
  region: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
  lat: number;
  lng: number;
  /** ISO 639-1: what most people there speak. */
  language: string;
  weight: number;
}

const city = (name: string, region: string, country: string, lat: number, lng: number, language: string, weight: number): City => ({
  name,
  region,
  country,
  lat,
  lng,
  language,
  weight,
});

export const CITIES: readonly City[] = [
  city('New York', 'New York', 'US', 40.7128, -74.006, 'en', 10),
  city('Los Angeles', 'California', 'US', 34.0522, -118.2437, 'en', 7),
  city('Chicago', 'Illinois', 'US', 41.8781, -87.6298, 'en', 5),
  city('Austin', 'Texas', 'US', 30.2672, -97.7431, 'en', 3),
  city('San Francisco', 'California', 'US', 37.7749, -122.4194, 'en', 5),
  city('Seattle', 'Washington', 'US', 47.6062, -122.3321, 'en', 3),
  city('Boston', 'Massachusetts', 'US', 42.3601, -71.0589, 'en', 3),
  city('Miami', 'Florida', 'US', 25.7617, -80.1918, 'en', 3),
  city('Denver', 'Colorado', 'US', 39.7392, -104.9903, 'en', 2),
  city('Atlanta', 'Georgia', 'US', 33.749, -84.388, 'en', 2),
  city('Toronto', 'Ontario', 'CA', 43.6532, -79.3832, 'en', 3),
  city('Vancouver', 'British Columbia', 'CA', 49.2827, -123.1207, 'en', 2),
  city('London', 'England', 'GB', 51.5074, -0.1278, 'en', 7),
  city('Manchester', 'England', 'GB', 53.4808, -2.2426, 'en', 2),
  city('Dublin', 'Leinster', 'IE', 53.3498, -6.2603, 'en', 2),
  city('Berlin', 'Berlin', 'DE', 52.52, 13.405, 'de', 4),
  city('Munich', 'Bavaria', 'DE', 48.1351, 11.582, 'de', 3),
  city('Hamburg', 'Hamburg', 'DE', 53.5511, 9.9937, 'de', 2),
  city('Paris', 'Île-de-France', 'FR', 48.8566, 2.3522, 'fr', 4),
  city('Lyon', 'Auvergne-Rhône-Alpes', 'FR', 45.764, 4.8357, 'fr', 1),
  city('Madrid', 'Community of Madrid', 'ES', 40.4168, -3.7038, 'es', 3),
  city('Barcelona', 'Catalonia', 'ES', 41.3874, 2.1686, 'es', 2),
  city('Milan', 'Lombardy', 'IT', 45.4642, 9.19, 'it', 2),
  city('Rome', 'Lazio', 'IT', 41.9028, 12.4964, 'it', 2),
  city('Amsterdam', 'North Holland', 'NL', 52.3676, 4.9041, 'nl', 3),
  city('Stockholm', 'Stockholm County', 'SE', 59.3293, 18.0686, 'sv', 2),
  city('Copenhagen', 'Capital Region', 'DK', 55.6761, 12.5683, 'da', 1),
  city('Oslo', 'Oslo', 'NO', 59.9139, 10.7522, 'nb', 1),
  city('Zurich', 'Zurich', 'CH', 47.3769, 8.5417, 'de', 1),
  city('Vienna', 'Vienna', 'AT', 48.2082, 16.3738, 'de', 1),
  city('Warsaw', 'Masovia', 'PL', 52.2297, 21.0122, 'pl', 1),
  city('Lisbon', 'Lisbon', 'PT', 38.7223, -9.1393, 'pt', 1),
  city('São Paulo', 'São Paulo', 'BR', -23.5505, -46.6333, 'pt', 4),
  city('Mexico City', 'Mexico City', 'MX', 19.4326, -99.1332, 'es', 3),
  city('Buenos Aires', 'Buenos Aires', 'AR', -34.6037, -58.3816, 'es', 2),
  city('Sydney', 'New South Wales', 'AU', -33.8688, 151.2093, 'en', 3),
  city('Melbourne', 'Victoria', 'AU', -37.8136, 144.9631, 'en', 2),
  city('Singapore', 'Singapore', 'SG', 1.3521, 103.8198, 'en', 2),
  city('Tokyo', 'Tokyo', 'JP', 35.6762, 139.6503, 'ja', 3),
  city('Bengaluru', 'Karnataka', 'IN', 12.9716, 77.5946, 'en', 3),
  city('Mumbai', 'Maharashtra', 'IN', 19.076, 72.8777, 'hi', 2),
  city('Dubai', 'Dubai', 'AE', 25.2048, 55.2708, 'ar', 2),
  city('Cape Town', 'Western Cape', 'ZA', -33.9249, 18.4241, 'en', 1),
];

/** Postal codes as each country writes them: # a digit, ? a capital letter. */
export const POSTAL_FORMATS: Readonly<Record<string, string>> = {
  US: '#####',
  CA: '?#? #?#',
  GB: '??# #??',
  IE: '?## ?#?#',
  DE: '#####',
  FR: '#####',
  ES: '#####',
  IT: '#####',
  NL: '#### ??',
  SE: '### ##',
  DK: '####',
  NO: '####',
  CH: '####',
  AT: '####',
  PL: '##-###',
  PT: '####-###',
  BR: '#####-###',
  MX: '#####',
  AR: '?####???',
  AU: '####',
  SG: '######',
  JP: '###-####',
  IN: '######',
  ZA: '####',
};

/** How a street address reads in a country: {n} the number, {s} the street's name. */
export const STREET_FORMATS: Readonly<Record<string, string>> = {
  DE: '{s}straße {n}',
  AT: '{s}gasse {n}',
  CH: '{s}strasse {n}',
  NL: '{s}straat {n}',
  FR: '{n} rue {s}',
  ES: 'Calle de {s} {n}',
  MX: 'Calle {s} {n}',
  AR: 'Avenida {s} {n}',
  IT: 'Via {s} {n}',
  PT: 'Rua {s} {n}',
  BR: 'Rua {s} {n}',
  SE: '{s}gatan {n}',
  DK: '{s}gade {n}',
  NO: '{s} gate {n}',
  PL: 'ul. {s} {n}',
};
export const STREET_SUFFIXES = ['Street', 'Avenue', 'Road', 'Lane', 'Boulevard', 'Drive', 'Way', 'Place'] as const;

export interface Department {
  name: string;
  /** Titles by seniority, from entry to c_suite. */
  entry: readonly string[];
  senior: readonly string[];
  manager: readonly string[];
  director: readonly string[];
  vp: readonly string[];
  c_suite: readonly string[];
  weight: number;
}

export const DEPARTMENTS: readonly Department[] = [
  {
    name: 'Engineering',
    entry: ['Software Engineer', 'Backend Engineer', 'Frontend Engineer', 'Data Engineer', 'QA Engineer', 'DevOps Engineer'],
    senior: ['Senior Software Engineer', 'Staff Engineer', 'Senior Backend Engineer', 'Principal Engineer', 'Senior Data Engineer'],
    manager: ['Engineering Manager', 'Engineering Team Lead'],
    director: ['Director of Engineering', 'Head of Engineering'],
    vp: ['VP of Engineering'],
    c_suite: ['Chief Technology Officer', 'CTO'],
    weight: 22,
  },
  {
    name: 'Sales',
    entry: ['Sales Development Representative', 'Business Development Representative', 'Account Executive'],
    senior: ['Senior Account Executive', 'Enterprise Account Executive', 'Key Account Manager'],
    manager: ['Sales Manager', 'Regional Sales Manager'],
    director: ['Director of Sales', 'Head of Sales'],
    vp: ['VP of Sales'],
    c_suite: ['Chief Revenue Officer', 'Chief Sales Officer'],
    weight: 18,
  },
  {
    name: 'Marketing',
    entry: ['Marketing Specialist', 'Content Marketer', 'Social Media Coordinator', 'SEO Specialist'],
    senior: ['Senior Growth Marketer', 'Senior Product Marketing Manager', 'Senior Content Strategist'],
    manager: ['Marketing Manager', 'Demand Generation Manager'],
    director: ['Director of Marketing', 'Head of Growth'],
    vp: ['VP of Marketing'],
    c_suite: ['Chief Marketing Officer', 'CMO'],
    weight: 14,
  },
  {
    name: 'Finance',
    entry: ['Financial Analyst', 'Accountant', 'Accounts Payable Specialist'],
    senior: ['Senior Financial Analyst', 'Senior Accountant', 'Controller'],
    manager: ['Finance Manager', 'Accounting Manager'],
    director: ['Director of Finance', 'Head of Finance'],
    vp: ['VP of Finance'],
    c_suite: ['Chief Financial Officer', 'CFO'],
    weight: 8,
  },
  {
    name: 'Human Resources',
    entry: ['Recruiter', 'HR Generalist', 'Talent Acquisition Specialist'],
    senior: ['Senior Recruiter', 'HR Business Partner'],
    manager: ['HR Manager', 'Talent Acquisition Manager'],
    director: ['Director of People', 'Head of Talent'],
    vp: ['VP of People'],
    c_suite: ['Chief People Officer', 'Chief Human Resources Officer'],
    weight: 7,
  },
  {
    name: 'Operations',
    entry: ['Operations Analyst', 'Operations Coordinator', 'Supply Chain Analyst'],
    senior: ['Senior Operations Analyst', 'Senior Supply Chain Planner'],
    manager: ['Operations Manager', 'Logistics Manager'],
    director: ['Director of Operations', 'Head of Operations'],
    vp: ['VP of Operations'],
    c_suite: ['Chief Operating Officer', 'COO'],
    weight: 10,
  },
  {
    name: 'Product',
    entry: ['Associate Product Manager', 'Product Analyst'],
    senior: ['Senior Product Manager', 'Product Manager'],
    manager: ['Group Product Manager', 'Product Lead'],
    director: ['Director of Product', 'Head of Product'],
    vp: ['VP of Product'],
    c_suite: ['Chief Product Officer'],
    weight: 7,
  },
  {
    name: 'Customer Success',
    entry: ['Customer Support Specialist', 'Customer Success Associate'],
    senior: ['Customer Success Manager', 'Senior Support Engineer'],
    manager: ['Customer Success Team Lead', 'Support Manager'],
    director: ['Director of Customer Success', 'Head of Customer Experience'],
    vp: ['VP of Customer Success'],
    c_suite: ['Chief Customer Officer'],
    weight: 8,
  },
  {
    name: 'Legal',
    entry: ['Paralegal', 'Legal Counsel'],
    senior: ['Senior Counsel', 'Senior Legal Counsel'],
    manager: ['Legal Manager', 'Compliance Manager'],
    director: ['Director of Legal', 'Head of Compliance'],
    vp: ['VP of Legal'],
    c_suite: ['General Counsel', 'Chief Legal Officer'],
    weight: 3,
  },
  {
    name: 'Design',
    entry: ['Product Designer', 'UX Researcher', 'Graphic Designer'],
    senior: ['Senior Product Designer', 'Lead UX Designer'],
    manager: ['Design Manager'],
    director: ['Director of Design', 'Head of Design'],
    vp: ['VP of Design'],
    c_suite: ['Chief Design Officer'],
    weight: 4,
  },
  {
    name: 'IT',
    entry: ['IT Support Specialist', 'Systems Administrator', 'Help Desk Technician'],
    senior: ['Senior Systems Administrator', 'Security Engineer', 'Network Engineer'],
    manager: ['IT Manager', 'Security Operations Manager'],
    director: ['Director of IT', 'Head of Information Security'],
    vp: ['VP of IT'],
    c_suite: ['Chief Information Officer', 'Chief Information Security Officer'],
    weight: 5,
  },
];

export const OWNER_TITLES = ['Founder', 'Co-Founder', 'Owner', 'Founder & CEO', 'Chief Executive Officer', 'CEO'] as const;
export const PARTNER_TITLES = ['Partner', 'Managing Partner', 'Senior Partner', 'Founding Partner'] as const;

/** Share of people by seniority; small companies have more owners (see seed.ts). */
export const SENIORITY_WEIGHTS = [
  { value: 'entry', weight: 30 },
  { value: 'senior', weight: 25 },
  { value: 'manager', weight: 17 },
  { value: 'director', weight: 10 },
  { value: 'vp', weight: 6 },
  { value: 'c_suite', weight: 5 },
  { value: 'owner', weight: 5 },
  { value: 'partner', weight: 2 },
] as const;

/** Industries, with what a company's name in each tends to end with. */
export const INDUSTRIES: readonly { name: string; suffixes: readonly string[]; weight: number }[] = [
  { name: 'Software', suffixes: ['Labs', 'Software', 'Technologies', 'Systems', 'Cloud', 'AI'], weight: 16 },
  { name: 'Financial Services', suffixes: ['Capital', 'Financial', 'Bank', 'Payments', 'Wealth'], weight: 8 },
  { name: 'Healthcare', suffixes: ['Health', 'Medical', 'Care', 'Clinics'], weight: 8 },
  { name: 'Retail', suffixes: ['Stores', 'Outfitters', 'Market', 'Goods'], weight: 6 },
  { name: 'E-commerce', suffixes: ['Shop', 'Commerce', 'Direct', 'Online'], weight: 5 },
  { name: 'Manufacturing', suffixes: ['Industries', 'Manufacturing', 'Components', 'Works'], weight: 7 },
  { name: 'Marketing & Advertising', suffixes: ['Media', 'Creative', 'Agency', 'Digital'], weight: 6 },
  { name: 'Education', suffixes: ['Learning', 'Academy', 'Education', 'Institute'], weight: 4 },
  { name: 'Real Estate', suffixes: ['Properties', 'Realty', 'Estates', 'Homes'], weight: 4 },
  { name: 'Logistics', suffixes: ['Logistics', 'Freight', 'Shipping', 'Transport'], weight: 5 },
  { name: 'Management Consulting', suffixes: ['Consulting', 'Advisors', 'Partners', 'Group'], weight: 6 },
  { name: 'Telecommunications', suffixes: ['Telecom', 'Networks', 'Communications'], weight: 3 },
  { name: 'Energy', suffixes: ['Energy', 'Power', 'Solar', 'Renewables'], weight: 3 },
  { name: 'Hospitality', suffixes: ['Hotels', 'Hospitality', 'Resorts'], weight: 3 },
  { name: 'Legal Services', suffixes: ['Law', 'Legal', 'LLP'], weight: 2 },
  { name: 'Biotechnology', suffixes: ['Bio', 'Therapeutics', 'Biosciences', 'Genomics'], weight: 3 },
  { name: 'Insurance', suffixes: ['Insurance', 'Assurance', 'Mutual'], weight: 3 },
  { name: 'Construction', suffixes: ['Construction', 'Builders', 'Engineering'], weight: 3 },
  { name: 'Automotive', suffixes: ['Motors', 'Automotive', 'Mobility'], weight: 2 },
  { name: 'Media & Entertainment', suffixes: ['Studios', 'Entertainment', 'Pictures', 'Records'], weight: 3 },
];

/** Employee counts: most companies are small, a few are very large. */
export const COMPANY_SIZES: readonly { min: number; max: number; weight: number; revenue: string }[] = [
  { min: 1, max: 10, weight: 26, revenue: '<$1M' },
  { min: 11, max: 50, weight: 28, revenue: '$1M-$10M' },
  { min: 51, max: 200, weight: 21, revenue: '$10M-$50M' },
  { min: 201, max: 500, weight: 10, revenue: '$50M-$100M' },
  { min: 501, max: 1000, weight: 6, revenue: '$100M-$500M' },
  { min: 1001, max: 5000, weight: 6, revenue: '$500M-$1B' },
  { min: 5001, max: 10000, weight: 2, revenue: '$1B-$10B' },
  { min: 10001, max: 250000, weight: 1, revenue: '$10B+' },
];

/** Local businesses: a category and how such a business is named ({last}, {city}, {first}). */
export const CATEGORIES: readonly { name: string; names: readonly string[]; weight: number }[] = [
  { name: 'Restaurant', names: ["{last}'s Kitchen", '{city} Bistro', 'The {last} Table', 'Trattoria {last}'], weight: 14 },
  { name: 'Cafe', names: ['{last} Coffee', 'Café {first}', 'The {city} Roastery', 'Corner Cup {city}'], weight: 10 },
  { name: 'Bakery', names: ["{last}'s Bakery", '{city} Bread Co.', 'Golden Crust {city}'], weight: 5 },
  { name: 'Dentist', names: ['{city} Dental Care', 'Dr. {last} Dentistry', 'Bright Smile {city}'], weight: 6 },
  { name: 'Plumber', names: ['{last} Plumbing', '{city} Pipe & Drain', '{last} & Sons Plumbing'], weight: 5 },
  { name: 'Electrician', names: ['{last} Electric', '{city} Electrical Services'], weight: 4 },
  { name: 'Hair Salon', names: ['Studio {first}', '{last} Hair Design', '{city} Cuts'], weight: 7 },
  { name: 'Gym', names: ['{city} Fitness', 'Iron {last} Gym', 'Pulse Fitness {city}'], weight: 5 },
  { name: 'Auto Repair', names: ['{last} Auto Repair', '{city} Car Care', "{first}'s Garage"], weight: 5 },
  { name: 'Florist', names: ['{last} Flowers', 'Bloom {city}'], weight: 2 },
  { name: 'Veterinarian', names: ['{city} Animal Hospital', 'Dr. {last} Veterinary Clinic'], weight: 3 },
  { name: 'Pharmacy', names: ['{last} Pharmacy', '{city} Apothecary'], weight: 3 },
  { name: 'Bookstore', names: ['{last} Books', 'The {city} Bookshop'], weight: 2 },
  { name: 'Law Firm', names: ['{last} & {last2} LLP', '{last} Law Group'], weight: 4 },
  { name: 'Accountant', names: ['{last} Accounting', '{last} & {last2} CPAs'], weight: 4 },
  { name: 'Real Estate Agency', names: ['{last} Realty', '{city} Homes'], weight: 4 },
  { name: 'Yoga Studio', names: ['{city} Yoga', 'Lotus {last} Yoga'], weight: 2 },
  { name: 'Hotel', names: ['Hotel {last}', 'The {city} Grand', '{city} Inn'], weight: 4 },
  { name: 'Pet Grooming', names: ['Pampered Paws {city}', "{first}'s Pet Spa"], weight: 2 },
  { name: 'Car Dealer', names: ['{last} Motors', '{city} Auto Sales'], weight: 3 },
];

export const PLATFORM_WEIGHTS = [
  { value: 'instagram', weight: 35 },
  { value: 'tiktok', weight: 30 },
  { value: 'youtube', weight: 20 },
  { value: 'x', weight: 8 },
  { value: 'twitch', weight: 7 },
] as const;

/** Interactions per follower differ by platform: TikTok's are high, X's low. */
export const PLATFORM_ENGAGEMENT: Readonly<Record<string, number>> = { instagram: 1, tiktok: 1.6, youtube: 0.8, twitch: 0.7, x: 0.5 };

export const PROFILE_URLS: Readonly<Record<string, (handle: string) => string>> = {
  instagram: (h) => `https://www.instagram.com/${h}`,
  tiktok: (h) => `https://www.tiktok.com/@${h}`,
  youtube: (h) => `https://www.youtube.com/@${h}`,
  twitch: (h) => `https://www.twitch.tv/${h}`,
  x: (h) => `https://x.com/${h}`,
};

export const NICHES: readonly { value: string; weight: number }[] = [
  { value: 'fitness', weight: 9 },
  { value: 'beauty', weight: 9 },
  { value: 'fashion', weight: 9 },
  { value: 'gaming', weight: 8 },
  { value: 'travel', weight: 7 },
  { value: 'food', weight: 8 },
  { value: 'tech', weight: 6 },
  { value: 'lifestyle', weight: 9 },
  { value: 'parenting', weight: 4 },
  { value: 'finance', weight: 4 },
  { value: 'music', weight: 5 },
  { value: 'comedy', weight: 5 },
  { value: 'education', weight: 4 },
  { value: 'sports', weight: 5 },
  { value: 'pets', weight: 3 },
  { value: 'diy', weight: 2 },
  { value: 'art', weight: 3 },
  { value: 'wellness', weight: 4 },
];

/** Top-level domains companies use besides .com, by country. */
export const COUNTRY_TLDS: Readonly<Record<string, string>> = {
  GB: 'co.uk',
  DE: 'de',
  FR: 'fr',
  ES: 'es',
  IT: 'it',
  NL: 'nl',
  SE: 'se',
  DK: 'dk',
  NO: 'no',
  CH: 'ch',
  AT: 'at',
  PL: 'pl',
  PT: 'pt',
  BR: 'com.br',
  MX: 'mx',
  AR: 'com.ar',
  AU: 'com.au',
  CA: 'ca',
  IE: 'ie',
  JP: 'jp',
  IN: 'in',
  SG: 'sg',
  AE: 'ae',
  ZA: 'co.za',
};
