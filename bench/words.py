"""Word lists for the synthetic trials: written here, nothing downloaded.

The pools (drugs, conditions, sponsors, places) are built from these lists with a fixed seed, so
they are the same whatever seed the trials themselves are generated with.
"""

from __future__ import annotations

import random

# Real drug names, oncology-heavy like the catalogue, most common first: the head of the Zipf
# distribution. The vocabulary's own names (content/drugs.yaml) come first so some drug pages
# carry a class.
REAL_DRUGS = """
gemcitabine cisplatin pembrolizumab capecitabine oxaliplatin durvalumab nab-paclitaxel S-1
fluorouracil folinic acid camrelizumab apatinib anlotinib nivolumab paclitaxel docetaxel
carboplatin atezolizumab bevacizumab irinotecan trastuzumab lenvatinib sorafenib regorafenib
ipilimumab tislelizumab sintilimab toripalimab cetuximab panitumumab erlotinib gefitinib
osimertinib afatinib crizotinib alectinib lorlatinib brigatinib cabozantinib pazopanib sunitinib
axitinib everolimus temsirolimus olaparib niraparib rucaparib talazoparib palbociclib ribociclib
abemaciclib letrozole anastrozole exemestane tamoxifen fulvestrant enzalutamide abiraterone
apalutamide darolutamide bicalutamide leuprolide goserelin degarelix pemetrexed vinorelbine
etoposide topotecan doxorubicin epirubicin cyclophosphamide ifosfamide methotrexate cytarabine
azacitidine decitabine venetoclax ibrutinib acalabrutinib zanubrutinib rituximab obinutuzumab
bendamustine lenalidomide pomalidomide thalidomide bortezomib carfilzomib ixazomib daratumumab
isatuximab elotuzumab dexamethasone prednisone ruxolitinib fedratinib imatinib dasatinib
nilotinib bosutinib ponatinib midostaurin gilteritinib ivosidenib enasidenib pemigatinib
infigratinib futibatinib zanidatamab tucatinib lapatinib neratinib pertuzumab margetuximab
sacituzumab govitecan enfortumab vedotin brentuximab vedotin polatuzumab vedotin tremelimumab
cemiplimab avelumab dostarlimab retifanlimab relatlimab sotorasib adagrasib dabrafenib
trametinib vemurafenib cobimetinib encorafenib binimetinib selpercatinib pralsetinib larotrectinib
entrectinib capmatinib tepotinib amivantamab mobocertinib tivozanib fruquintinib trifluridine
tipiracil temozolomide lomustine carmustine bleomycin dacarbazine vincristine vinblastine
mitomycin hydroxyurea mercaptopurine melphalan busulfan fludarabine cladribine clofarabine
nelarabine arsenic trioxide tretinoin mitoxantrone idarubicin daunorubicin gemtuzumab ozogamicin
inotuzumab ozogamicin blinatumomab tebentafusp metformin aspirin atorvastatin celecoxib
zoledronic acid denosumab filgrastim pegfilgrastim epoetin alfa ondansetron aprepitant
olanzapine dexmedetomidine ketamine lidocaine bupivacaine ropivacaine morphine fentanyl
""".split("\n")

# Stems and suffixes for plausible investigational names: the long tail.
_DRUG_STEMS = ("ala", "bri", "cano", "dara", "eli", "fora", "glo", "heli", "ima", "jova", "kela",
               "lumi", "mava", "nira", "ola", "pera", "quila", "rova", "sela", "tara", "uva", "vela",
               "xeno", "zola", "amo", "beli", "cira", "dovi", "efi", "garo", "ivo", "lira", "miro",
               "nofe", "opa", "pavo", "remi", "sota", "tovi", "zeli")
_DRUG_MIDS = ("", "ci", "ra", "to", "fe", "li", "ne", "vo", "ta", "mi")
_DRUG_SUFFIXES = ("tinib", "zumab", "limab", "ciclib", "lisib", "parib", "rafenib", "mab", "stat",
                  "tamab", "metinib", "sertib", "degib", "tuzumab vedotin", "platin", "taxel")
_DRUG_CODES = ("SHR", "BGB", "MK", "AZD", "JNJ", "RO", "PF", "LY", "HLX", "IBI", "TQB", "ABBV",
               "BMS", "GSK", "AMG", "REGN", "DS", "ONO", "TAK", "BAY")

SITES = """
Biliary Tract|Gallbladder|Intrahepatic Bile Duct|Extrahepatic Bile Duct|Ampulla of Vater|Pancreatic
|Hepatocellular|Gastric|Esophageal|Gastroesophageal Junction|Colorectal|Rectal|Colon|Anal|Small Bowel
|Non-Small Cell Lung|Small Cell Lung|Breast|Triple-Negative Breast|HER2-Positive Breast|Ovarian
|Endometrial|Cervical|Prostate|Castration-Resistant Prostate|Bladder|Urothelial|Renal Cell|Head and Neck
|Nasopharyngeal|Oral Cavity|Thyroid|Neuroendocrine|Adrenocortical|Soft Tissue|Bone|Skin|Merkel Cell
|Mesothelioma|Thymic|Testicular|Penile|Vulvar|Brain|Peritoneal|Appendiceal|Salivary Gland
""".replace("\n", "").split("|")
SITE_KINDS = ("Cancer", "Carcinoma", "Adenocarcinoma", "Neoplasm", "Tumor")
SITE_STAGES = ("", "Advanced", "Metastatic", "Recurrent", "Locally Advanced", "Resectable",
               "Unresectable", "Refractory", "Early-Stage", "Stage III", "Stage IV")
OTHER_CONDITIONS = """
Cholangiocarcinoma|Intrahepatic Cholangiocarcinoma|Perihilar Cholangiocarcinoma|Glioblastoma|Melanoma
|Multiple Myeloma|Acute Myeloid Leukemia|Acute Lymphoblastic Leukemia|Chronic Lymphocytic Leukemia
|Chronic Myeloid Leukemia|Diffuse Large B-Cell Lymphoma|Follicular Lymphoma|Mantle Cell Lymphoma
|Hodgkin Lymphoma|Myelodysplastic Syndromes|Myelofibrosis|Sarcoma|Osteosarcoma|Ewing Sarcoma
|Neuroblastoma|Cancer Cachexia|Chemotherapy-Induced Nausea and Vomiting|Neutropenia|Anemia
|Cancer-Related Fatigue|Postoperative Pain|Obstructive Jaundice|Cholangitis|Liver Metastases
|Peritoneal Carcinomatosis|Bone Metastases|Brain Metastases|Malignant Pleural Effusion|Ascites
|Type 2 Diabetes|Hypertension|Heart Failure|Atrial Fibrillation|Chronic Kidney Disease|Asthma
|Chronic Obstructive Pulmonary Disease|Rheumatoid Arthritis|Psoriasis|Crohn Disease|Ulcerative Colitis
|Primary Sclerosing Cholangitis|Primary Biliary Cholangitis|Nonalcoholic Steatohepatitis|Hepatitis B
|Hepatitis C|Cirrhosis|Sepsis|Major Depressive Disorder|Alzheimer Disease|Parkinson Disease
""".replace("\n", "").split("|")

SPONSOR_PARTS = (
    ("Sun Yat-sen University", "Fudan University", "Peking University", "Zhejiang University",
     "Seoul National University Hospital", "Asan Medical Center", "National Cancer Center, Japan",
     "Memorial Sloan Kettering Cancer Center", "M.D. Anderson Cancer Center", "Mayo Clinic",
     "Dana-Farber Cancer Institute", "Gustave Roussy", "The Christie NHS Foundation Trust",
     "Institut Curie", "Charite University, Berlin", "University Hospital Heidelberg",
     "Cancer Institute and Hospital, Chinese Academy of Medical Sciences", "Tata Memorial Hospital",
     "Princess Margaret Hospital", "Peter MacCallum Cancer Centre", "Karolinska Institutet",
     "Hospital Universitario Vall d'Hebron", "Istituto Nazionale dei Tumori", "NRG Oncology",
     "ECOG-ACRIN Cancer Research Group", "SWOG Cancer Research Network", "Alliance for Clinical Trials in Oncology",
     "National Cancer Institute (NCI)", "Canadian Cancer Trials Group", "EORTC"),
    ("AstraZeneca", "Merck Sharp & Dohme LLC", "Hoffmann-La Roche", "Bristol-Myers Squibb", "Pfizer",
     "Novartis Pharmaceuticals", "Eli Lilly and Company", "Jiangsu HengRui Medicine Co., Ltd.",
     "BeiGene", "Innovent Biologics (Suzhou) Co. Ltd.", "Chia Tai Tianqing Pharmaceutical Group Co., Ltd.",
     "Incyte Corporation", "Taiho Oncology, Inc.", "Daiichi Sankyo", "Astellas Pharma Inc",
     "Bayer", "Amgen", "Regeneron Pharmaceuticals", "Zymeworks Inc.", "Servier"),
)

CITIES = """
Guangzhou, China|Shanghai, China|Beijing, China|Hangzhou, China|Chengdu, China|Wuhan, China
|Seoul, Korea, Republic of|Busan, Korea, Republic of|Tokyo, Japan|Osaka, Japan|Nagoya, Japan
|New York, New York, United States|Houston, Texas, United States|Boston, Massachusetts, United States
|Rochester, Minnesota, United States|Los Angeles, California, United States|Chicago, Illinois, United States
|Seattle, Washington, United States|Philadelphia, Pennsylvania, United States|Nashville, Tennessee, United States
|Toronto, Ontario, Canada|Montreal, Quebec, Canada|London, United Kingdom|Manchester, United Kingdom
|Paris, France|Villejuif, France|Lyon, France|Berlin, Germany|Heidelberg, Germany|Munich, Germany
|Milan, Italy|Rome, Italy|Barcelona, Spain|Madrid, Spain|Amsterdam, Netherlands|Stockholm, Sweden
|Copenhagen, Denmark|Vienna, Austria|Zurich, Switzerland|Brussels, Belgium|Warsaw, Poland
|Melbourne, Victoria, Australia|Sydney, New South Wales, Australia|Mumbai, India|Singapore, Singapore
|Taipei, Taiwan|Bangkok, Thailand|Sao Paulo, Brazil|Mexico City, Mexico|Tel Aviv, Israel
""".replace("\n", "").split("|")
SITE_NAMES = ("University Hospital", "Cancer Center", "Medical Center", "General Hospital",
              "Cancer Hospital", "Clinical Research Unit", "Oncology Institute", "Research Site")

ENDPOINTS = (
    ("Overall survival (OS)", "defined as the time from randomization to death from any cause"),
    ("Progression-free survival (PFS)", "defined as the time from enrollment to the first documented disease progression per RECIST 1.1 or death from any cause, whichever occurs first"),
    ("Objective response rate (ORR)", "the proportion of participants with a complete or partial response per RECIST 1.1 as assessed by the investigator"),
    ("Disease control rate (DCR)", "the proportion of participants with complete response, partial response or stable disease lasting at least 8 weeks"),
    ("Duration of response (DoR)", "the time from the first documented response to disease progression or death"),
    ("Recurrence-free survival (RFS)", "the time from surgery to the first recurrence of disease or death from any cause"),
    ("Pathological complete response (pCR) rate", "absence of residual invasive cancer in the resected specimen and all sampled regional lymph nodes"),
    ("R0 resection rate", "the proportion of participants whose resection margins are microscopically free of tumor"),
    ("Incidence of treatment-emergent adverse events", "graded according to the NCI Common Terminology Criteria for Adverse Events version 5.0"),
    ("Incidence of dose-limiting toxicities (DLTs)", "DLTs observed during the first treatment cycle of the dose-escalation part"),
    ("Maximum tolerated dose (MTD)", "the highest dose level at which no more than one of six participants experiences a DLT"),
    ("Quality of life (EORTC QLQ-C30)", "change from baseline in the global health status score of the EORTC QLQ-C30 questionnaire"),
    ("Time to treatment failure", "the time from the start of treatment to discontinuation for any reason"),
    ("Pharmacokinetics: maximum plasma concentration (Cmax)", "measured from serial blood samples collected before and after dosing"),
    ("Area under the concentration-time curve (AUC)", "calculated by non-compartmental analysis from serial plasma samples"),
    ("Serum CA19-9 response", "a decline of at least 50% from baseline in serum CA19-9"),
    ("Patient-reported pain intensity", "assessed on a 0-10 numeric rating scale at each visit"),
    ("Overall survival rate at 12 months", "the proportion of participants alive 12 months after enrollment"),
    ("Changes in circulating tumor DNA", "the change in the variant allele fraction of tumor-derived DNA in plasma"),
    ("Time to deterioration of ECOG performance status", "the time from randomization to a worsening of at least one point"),
)

TIME_FRAMES = ("Up to 24 months", "Up to approximately 5 years", "From randomization up to 36 months",
               "Baseline and every 6 weeks until disease progression", "Up to 2 years",
               "Cycle 1 (each cycle is 21 days)", "Up to 30 days after the last dose",
               "From the first dose to 90 days after the last dose", "Week 12", "12 months",
               "Through study completion, an average of 1 year", "At the time of surgery",
               "Pre-dose and 0.5, 1, 2, 4, 8 and 24 hours post-dose on Day 1 of Cycle 1")

KEYWORDS = ("immunotherapy", "PD-1", "PD-L1", "targeted therapy", "FGFR2 fusion", "IDH1 mutation",
            "HER2", "KRAS G12C", "BRAF V600E", "microsatellite instability", "tumor mutational burden",
            "neoadjuvant", "adjuvant", "second-line", "first-line", "maintenance", "radiotherapy",
            "SBRT", "hepatic arterial infusion", "TACE", "biomarker", "circulating tumor DNA",
            "quality of life", "real-world evidence", "elderly", "frailty", "liquid biopsy")

# Prose: sentence templates filled from the trial's own drugs, condition and numbers.
SUMMARY_SENTENCES = (
    "This is a {design} {phase_words} study to evaluate the efficacy and safety of {drug} in patients with {cond_l}.",
    "The purpose of this study is to determine whether adding {drug2} to {drug} improves {endpoint_l} compared with {drug} alone.",
    "Patients with {cond_l} have a poor prognosis, and there is no standard treatment after progression on first-line therapy.",
    "Eligible participants will receive {drug} {dose} on days 1 and 8 of each {cycle}-day cycle until disease progression or unacceptable toxicity.",
    "Approximately {n} participants will be enrolled at {sites} sites and randomized in a {ratio} ratio.",
    "The primary endpoint is {endpoint_l}; secondary endpoints include {endpoint2_l}, safety and quality of life.",
    "Tumor assessments will be performed every {weeks} weeks by computed tomography or magnetic resonance imaging.",
    "Randomization will be stratified by ECOG performance status (0 vs 1), disease extent and prior therapy.",
    "Treatment will continue for up to {months} months or until the investigator decides that the participant no longer benefits.",
    "Adverse events will be graded according to *CTCAE version 5.0* throughout the study and for 90 days after the last dose.",
    "Participants will be followed for survival every {weeks} weeks after the end of treatment.",
    "The study also explores whether **{biomarker}** predicts response to {drug}.",
    "An independent data monitoring committee will review unblinded safety data at pre-specified intervals.",
    "Blood samples will be collected at baseline and at each cycle for pharmacokinetic and biomarker analyses.",
    "Researchers want to learn whether {drug} can shrink tumors before surgery and make complete resection more likely.",
    "The dose-escalation part follows a standard 3+3 design, and the expansion part enrolls patients at the recommended phase 2 dose.",
)
DESCRIPTION_HEADINGS = ("Background", "Study design", "Treatment", "Assessments", "Statistical considerations",
                        "Rationale", "Objectives", "Follow-up")
LIST_ITEMS = ("Screening period of up to 28 days", "Treatment period in 21-day cycles",
              "Safety follow-up 30 days after the last dose", "Survival follow-up every 12 weeks",
              "Tumor assessment every 6 weeks for the first 48 weeks, then every 12 weeks",
              "Optional tumor biopsy at baseline and at progression", "Patient-reported outcomes at each visit",
              "Central review of imaging by an independent committee")

CRITERIA_INCLUSION = (
    "Histologically or cytologically confirmed {cond_l} that is not amenable to curative surgery",
    "Age {age} years or older at the time of signing the informed consent form",
    "Eastern Cooperative Oncology Group (ECOG) performance status of 0 or 1",
    "At least one measurable lesion according to RECIST version 1.1 that has not been previously irradiated",
    "Life expectancy of at least {weeks} weeks",
    "Disease progression during or after at least one prior line of systemic therapy including {drug}",
    "Adequate bone marrow function: absolute neutrophil count ≥ 1.5 × 10⁹/L, platelets ≥ 100 × 10⁹/L and hemoglobin ≥ 9 g/dL without transfusion within 14 days",
    "Adequate liver function: total bilirubin ≤ 1.5 × ULN; AST and ALT ≤ 2.5 × ULN (≤ 5 × ULN in the presence of liver metastases)",
    "Adequate renal function: creatinine clearance ≥ 50 mL/min calculated by the Cockcroft-Gault formula",
    "Women of childbearing potential must have a negative serum pregnancy test within 7 days before the first dose and agree to use effective contraception",
    "Able to understand and willing to sign a written informed consent document",
    "Archival tumor tissue or a fresh biopsy available for central biomarker testing",
    "Biliary drainage completed and bilirubin stable for at least 2 weeks before enrollment",
    "No prior systemic therapy for advanced or metastatic disease; adjuvant therapy completed more than 6 months earlier is allowed",
    "Documented {biomarker} by a validated test in a certified laboratory",
)
CRITERIA_EXCLUSION = (
    "Prior treatment with {drug} or another agent of the same class",
    "Known active central nervous system metastases or carcinomatous meningitis",
    "Active autoimmune disease that has required systemic treatment in the past 2 years",
    "History of interstitial lung disease or non-infectious pneumonitis that required steroids",
    "Major surgery within 28 days before the first dose of study treatment",
    "Uncontrolled hypertension (systolic blood pressure > 150 mmHg or diastolic > 100 mmHg despite treatment)",
    "Clinically significant cardiovascular disease, including myocardial infarction or unstable angina within 6 months",
    "Known human immunodeficiency virus infection or active hepatitis B or C infection",
    "Pregnant or breastfeeding women",
    "Another malignancy within 5 years, except adequately treated basal cell carcinoma of the skin or carcinoma in situ of the cervix",
    "Known hypersensitivity to {drug} or any of its excipients",
    "Receipt of a live vaccine within 30 days before the first dose",
    "Gastrointestinal bleeding or perforation within 3 months before enrollment",
    "Any condition that, in the opinion of the investigator, would interfere with the evaluation of the study treatment or the safety of the participant",
    "Participation in another interventional clinical study within 4 weeks before enrollment",
)
SUBITEMS = ("Absolute neutrophil count ≥ 1.5 × 10⁹/L", "Platelet count ≥ 100 × 10⁹/L", "Hemoglobin ≥ 9.0 g/dL",
            "Total bilirubin ≤ 1.5 × upper limit of normal", "AST and ALT ≤ 3 × upper limit of normal",
            "Serum albumin ≥ 28 g/L", "INR ≤ 1.5", "Left ventricular ejection fraction ≥ 50%",
            "QTcF ≤ 470 ms", "Urine protein < 2+ on dipstick")
BIOMARKERS = ("FGFR2 fusion", "IDH1 mutation", "HER2 amplification", "MSI-H status", "PD-L1 expression",
              "KRAS G12C mutation", "BRAF V600E mutation", "NTRK fusion", "BRCA mutation", "high TMB")
DESIGN_WORDS = ("randomized, open-label", "single-arm", "randomized, double-blind, placebo-controlled",
                "multicentre, open-label", "prospective", "non-randomized, multicohort")
OTHER_INTERVENTIONS = (("RADIATION", "Stereotactic body radiotherapy"), ("PROCEDURE", "Surgical resection"),
                       ("RADIATION", "Intensity-modulated radiotherapy"), ("OTHER", "Best supportive care"),
                       ("PROCEDURE", "Hepatic arterial infusion chemotherapy"), ("DEVICE", "Biliary stent"),
                       ("BEHAVIORAL", "Exercise program"), ("DIAGNOSTIC_TEST", "PET-CT"),
                       ("DRUG", "Placebo"), ("OTHER", "Quality-of-life questionnaire"))
REVIEW_NOTES = ("phase stated twice in the text with different values; left null",
                "drug name 'xelox' not found in the vocabulary; kept as written",
                "enrollment stated as a range; left null")


def drug_pool(size: int = 400) -> list[str]:
    """Drug names, most prescribed first: real names, then investigational-looking ones."""
    names: list[str] = []
    for line in REAL_DRUGS:
        names.extend(_split_drug_line(line))
    rng = random.Random("drug-pool")
    seen = {name.casefold() for name in names}
    while len(names) < size:
        if rng.random() < 0.3:
            name = f"{rng.choice(_DRUG_CODES)}-{rng.randint(100, 9999)}"
        else:
            name = rng.choice(_DRUG_STEMS) + rng.choice(_DRUG_MIDS) + rng.choice(_DRUG_SUFFIXES)
        if name.casefold() not in seen:
            seen.add(name.casefold())
            names.append(name)
    return names[:size]


_MULTIWORD = ("folinic acid", "sacituzumab govitecan", "enfortumab vedotin", "brentuximab vedotin",
              "polatuzumab vedotin", "arsenic trioxide", "gemtuzumab ozogamicin", "inotuzumab ozogamicin",
              "zoledronic acid", "epoetin alfa")


def _split_drug_line(line: str) -> list[str]:
    line = line.strip()
    for multi in _MULTIWORD:
        line = line.replace(multi, multi.replace(" ", "_"))
    return [word.replace("_", " ") for word in line.split()]


COMMON_CONDITIONS = (
    "Biliary Tract Cancer", "Cholangiocarcinoma", "Gallbladder Cancer", "Hepatocellular Carcinoma",
    "Pancreatic Cancer", "Non-Small Cell Lung Cancer", "Breast Cancer", "Colorectal Cancer", "Gastric Cancer",
    "Intrahepatic Cholangiocarcinoma", "Advanced Biliary Tract Cancer", "Metastatic Pancreatic Adenocarcinoma",
    "Esophageal Squamous Cell Carcinoma", "Ovarian Cancer", "Prostate Cancer", "Melanoma",
)


def condition_pool(size: int = 300) -> list[str]:
    """The most studied conditions first (the head of the skew), then a shuffled long tail."""
    rng = random.Random("condition-pool")
    tail = [name for name in OTHER_CONDITIONS if name not in COMMON_CONDITIONS]
    seen = set(COMMON_CONDITIONS) | set(tail)
    while len(seen) < size + 50:
        stage, site, kind = rng.choice(SITE_STAGES), rng.choice(SITES), rng.choice(SITE_KINDS)
        name = " ".join(part for part in (stage, site, kind) if part)
        if name not in seen:
            seen.add(name)
            tail.append(name)
    rng.shuffle(tail)
    return [*COMMON_CONDITIONS, *tail][:size]


def sponsor_pool() -> list[str]:
    return [*SPONSOR_PARTS[0], *SPONSOR_PARTS[1]]


def location_pool(size: int = 300) -> list[str]:
    rng = random.Random("location-pool")
    places = [f"{city.split(',')[0]} {name}, {city}" for city in CITIES for name in SITE_NAMES]
    rng.shuffle(places)
    return sorted(places[:size])
