//! The entities of the sector data model, named after Datascène where Datascène has a name.
//!
//! Public records (agents, places, shows, performances, offers) can be published as open data;
//! consortium records (engagements, settlements, ticket sales, grants, ...) are private to the
//! member that holds them until a sharing agreement says otherwise.

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::doc::{FieldType, TypeDoc};
use crate::identifiers::Identifiers;

id_type!(/// Identifies an [`Organization`].
    OrganizationId => "Organization");
id_type!(/// Identifies a [`Member`].
    MemberId => "Member");
id_type!(/// Identifies a [`Person`].
    PersonId => "Person");
id_type!(/// Identifies a [`Group`].
    GroupId => "Group");
id_type!(/// Identifies a [`Place`].
    PlaceId => "Place");
id_type!(/// Identifies a [`Hall`].
    HallId => "Hall");
id_type!(/// Identifies a [`Work`].
    WorkId => "Work");
id_type!(/// Identifies a [`Show`].
    ShowId => "Show");
id_type!(/// Identifies a [`Series`].
    SeriesId => "Series");
id_type!(/// Identifies a [`Performance`].
    PerformanceId => "Performance");
id_type!(/// Identifies an [`Offer`].
    OfferId => "Offer");
id_type!(/// Identifies an [`Engagement`].
    EngagementId => "Engagement");
id_type!(/// Identifies a [`Tour`].
    TourId => "Tour");
id_type!(/// Identifies an [`Availability`].
    AvailabilityId => "Availability");
id_type!(/// Identifies a [`Settlement`].
    SettlementId => "Settlement");
id_type!(/// Identifies a [`TicketSale`].
    TicketSaleId => "TicketSale");
id_type!(/// Identifies a [`Grant`].
    GrantId => "Grant");
id_type!(/// Identifies a [`DataAsset`].
    DataAssetId => "DataAsset");
id_type!(/// Identifies a [`SharingAgreement`].
    SharingAgreementId => "SharingAgreement");
id_type!(/// Identifies a [`Consent`].
    ConsentId => "Consent");
id_type!(/// Identifies a [`Batch`].
    BatchId => "Batch");

/// An amount of money in cents (of the record's currency).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Cents(pub i64);

impl FieldType for Cents {
    fn type_doc() -> TypeDoc {
        TypeDoc::Cents
    }
}

/// A keyed pseudonym of a person (64 lowercase hexadecimal characters of HMAC-SHA-256); never a
/// name, email or phone number.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PersonKey(pub String);

impl FieldType for PersonKey {
    fn type_doc() -> TypeDoc {
        TypeDoc::Text
    }
}

impl PersonKey {
    /// Whether the text has the shape of a pseudonym (64 lowercase hex characters).
    pub fn is_well_formed(&self) -> bool {
        self.0.len() == 64 && self.0.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    }
}

vocab_code!(/// An artistic discipline of the ASQ taxonomy (Scène Pro / Datascène).
    DisciplineCode => "disciplines-asq");
vocab_code!(/// A target audience (Datascène `PublicCible`).
    AudienceCode => "public-cible");
vocab_code!(/// A contribution role (Datascène `contributionType`).
    ContributionRoleCode => "contribution-types");
vocab_code!(/// A content warning (Datascène `avertissement`).
    WarningCode => "warnings");
vocab_code!(/// A hall configuration (Datascène `configurationSalle`).
    HallConfigurationCode => "hall-configurations");
vocab_code!(/// A genre of the Artsdata genres vocabulary.
    GenreCode => "artsdata-genres");
vocab_code!(/// A Québec administrative region, `01` to `17`.
    RegionCode => "quebec-administrative-regions");

code_enum! {
    /// A place in the performing-arts value chain.
    ValueChainRole {
        Creator = "creator" ("Créateur", "Creator"),
        Producer = "producer" ("Producteur", "Producer"),
        Presenter = "presenter" ("Diffuseur", "Presenter"),
        Agency = "agency" ("Agence de gérance", "Artist-management agency"),
        VenueOperator = "venue-operator" ("Gestionnaire de salle", "Venue operator"),
        Funder = "funder" ("Bailleur de fonds", "Funder"),
        Network = "network" ("Réseau", "Network"),
    }
}

code_enum! {
    /// The kind of agent a contribution points to.
    AgentKind {
        Person = "person" ("Personne", "Person"),
        Group = "group" ("Groupe", "Group"),
        Organization = "organization" ("Organisation", "Organization"),
    }
}

code_enum! {
    /// How goods come in to a hall.
    LoadingAccess {
        Dock = "dock" ("Quai de chargement", "Loading dock"),
        StreetLevel = "street-level" ("Au niveau de la rue", "Street level"),
        Lift = "lift" ("Monte-charge", "Freight lift"),
        Stairs = "stairs" ("Escaliers", "Stairs"),
    }
}

code_enum! {
    /// A technical requirement of a rider, compared with a hall's specifications.
    RiderItem {
        StageOpeningWidth = "stage-opening-width-m" ("Ouverture de scène (m)", "Stage opening width (m)"),
        StageDepth = "stage-depth-m" ("Profondeur de scène (m)", "Stage depth (m)"),
        StageHeight = "stage-height-m" ("Hauteur sous cadre (m)", "Stage height (m)"),
        GridHeight = "grid-height-m" ("Hauteur du gril (m)", "Grid height (m)"),
        Power = "power-amps" ("Puissance électrique (A)", "Electrical power (A)"),
        Crew = "crew" ("Techniciens de la salle", "House crew"),
        Seats = "seats" ("Places assises", "Seats"),
        LoadingDock = "loading-dock" ("Quai de chargement", "Loading dock"),
    }
}

code_enum! {
    /// The kind of a series.
    SeriesKind {
        Season = "season" ("Saison", "Season"),
        Festival = "festival" ("Festival", "Festival"),
        Series = "series" ("Série", "Series"),
    }
}

code_enum! {
    /// The status of a performance (Datascène `statutEvenement`, schema.org `EventStatusType`).
    EventStatus {
        Scheduled = "scheduled" ("Prévu", "Scheduled"),
        Cancelled = "cancelled" ("Annulé", "Cancelled"),
        Postponed = "postponed" ("Reporté à une date indéterminée", "Postponed"),
        Rescheduled = "rescheduled" ("Reporté", "Rescheduled"),
        MovedOnline = "moved-online" ("Déplacé en ligne", "Moved online"),
    }
}

code_enum! {
    /// The kind of price.
    PriceType {
        Regular = "regular" ("Régulier", "Regular"),
        Senior = "senior" ("Aîné", "Senior"),
        Student = "student" ("Étudiant", "Student"),
        Child = "child" ("Enfant", "Child"),
        Subscription = "subscription" ("Abonnement", "Subscription"),
        Group = "group" ("Groupe", "Group"),
        Complimentary = "complimentary" ("Billet de faveur", "Complimentary"),
        Free = "free" ("Entrée libre", "Free admission"),
    }
}

code_enum! {
    /// Where a ticket was sold.
    SalesChannel {
        Web = "web" ("Web", "Web"),
        BoxOffice = "box-office" ("Billetterie", "Box office"),
        Phone = "phone" ("Téléphone", "Phone"),
        Reseller = "reseller" ("Revendeur", "Reseller"),
    }
}

code_enum! {
    /// An age band, the only trace of a birth date that is ever stored.
    AgeBand {
        Under18 = "0-17" ("Moins de 18 ans", "Under 18"),
        From18To24 = "18-24" ("18 à 24 ans", "18 to 24"),
        From25To34 = "25-34" ("25 à 34 ans", "25 to 34"),
        From35To44 = "35-44" ("35 à 44 ans", "35 to 44"),
        From45To54 = "45-54" ("45 à 54 ans", "45 to 54"),
        From55To64 = "55-64" ("55 à 64 ans", "55 to 64"),
        From65 = "65+" ("65 ans et plus", "65 and over"),
    }
}

code_enum! {
    /// Where a deal stands, from first inquiry to contract.
    EngagementStatus {
        Inquiry = "inquiry" ("Demande", "Inquiry"),
        Hold = "hold" ("Option", "Hold"),
        Offer = "offer" ("Offre", "Offer"),
        Confirmed = "confirmed" ("Confirmé", "Confirmed"),
        Contracted = "contracted" ("Sous contrat", "Contracted"),
        Cancelled = "cancelled" ("Annulé", "Cancelled"),
    }
}

code_enum! {
    /// How the artist is paid.
    DealType {
        FlatFee = "flat-fee" ("Cachet fixe", "Flat fee"),
        BoxOfficeSplit = "box-office-split" ("Partage des recettes", "Box-office split"),
        GuaranteeVersusPercentage = "guarantee-vs-percentage" ("Garantie contre pourcentage", "Guarantee versus percentage"),
        CoPresentation = "co-presentation" ("Coprésentation", "Co-presentation"),
    }
}

code_enum! {
    /// What an availability entry says of its dates.
    AvailabilityKind {
        Blocked = "blocked" ("Dates bloquées", "Blocked dates"),
        Confirmed = "confirmed" ("Dates confirmées", "Confirmed dates"),
        SeasonWindow = "season-window" ("Fenêtre de programmation", "Season window"),
        Blackout = "blackout" ("Dates exclues", "Blackout dates"),
    }
}

code_enum! {
    /// The family of a data asset in a member's inventory.
    DataCategory {
        Ticketing = "ticketing" ("Billetterie", "Ticketing"),
        Crm = "crm" ("Relations avec les publics", "Audience relations (CRM)"),
        Programming = "programming" ("Programmation", "Programming"),
        Touring = "touring" ("Tournée", "Touring"),
        Finance = "finance" ("Finances", "Finance"),
        Grants = "grants" ("Subventions", "Grants"),
        Survey = "survey" ("Sondages", "Surveys"),
        WebEvents = "web-events" ("Événements en ligne", "Web event listings"),
    }
}

impl DataCategory {
    /// The sector model's entities that data of this family can give, for telling where the
    /// data a use case needs is held even before it is pooled. Audience relations and surveys
    /// give none: the model keeps no person of the public.
    pub fn entities(self) -> &'static [&'static str] {
        match self {
            DataCategory::Ticketing => &["TicketSale", "Performance"],
            DataCategory::Crm | DataCategory::Survey => &[],
            DataCategory::Programming => &["Show", "Performance", "Series", "Work"],
            DataCategory::Touring => &["Tour", "Engagement", "Availability", "Offer", "Hall"],
            DataCategory::Finance => &["Settlement"],
            DataCategory::Grants => &["Grant"],
            DataCategory::WebEvents => &["Performance", "Show", "Place"],
        }
    }
}

code_enum! {
    /// The form a data asset takes at its member.
    DataFormat {
        Spreadsheet = "spreadsheet" ("Tableur (Excel, Google Sheets…)", "Spreadsheet (Excel, Google Sheets…)"),
        Software = "software" ("Logiciel ou plateforme en ligne", "Software or online platform"),
        Database = "database" ("Base de données", "Database"),
        Documents = "documents" ("Documents (Word, PDF…)", "Documents (Word, PDF…)"),
        Web = "web" ("Pages web", "Web pages"),
        Paper = "paper" ("Papier", "Paper"),
        Other = "other" ("Autre ou à préciser", "Other or not yet said"),
    }
}

code_enum! {
    /// How good its member says a data asset is: reliable (complete and up to date), partial
    /// (gaps or delays), needs work (incomplete or unsure), unknown.
    DeclaredQuality {
        Reliable = "reliable" ("Fiable", "Reliable"),
        Partial = "partial" ("Partielle", "Partial"),
        Poor = "poor" ("À reprendre", "Needs work"),
        Unknown = "unknown" ("Inconnue", "Unknown"),
    }
}

code_enum! {
    /// How often a data asset changes.
    Frequency {
        Continuous = "continuous" ("En continu", "Continuous"),
        Daily = "daily" ("Quotidienne", "Daily"),
        Weekly = "weekly" ("Hebdomadaire", "Weekly"),
        Monthly = "monthly" ("Mensuelle", "Monthly"),
        PerSeason = "per-season" ("Par saison", "Per season"),
        Yearly = "yearly" ("Annuelle", "Yearly"),
    }
}

code_enum! {
    /// A dataset that a sharing agreement covers.
    Dataset {
        Performances = "performances" ("Représentations", "Performances"),
        Settlements = "settlements" ("Redditions de comptes", "Settlements"),
        TicketAggregates = "ticket-aggregates" ("Agrégats de billetterie", "Ticket aggregates"),
        AudienceAggregates = "audience-aggregates" ("Agrégats de publics", "Audience aggregates"),
        Engagements = "engagements" ("Engagements", "Engagements"),
        DataInventory = "data-inventory" ("Inventaire des données", "Data inventory"),
    }
}

code_enum! {
    /// How much of a dataset a recipient sees.
    SharingLevel {
        None = "none" ("Aucun", "None"),
        Aggregate = "aggregate" ("Agrégé", "Aggregate"),
        Detail = "detail" ("Détaillé", "Detail"),
    }
}

code_enum! {
    /// Why data is used.
    Purpose {
        Reporting = "reporting" ("Reddition de comptes", "Reporting"),
        Touring = "touring" ("Planification de tournée", "Tour planning"),
        PooledStatistics = "pooled-statistics" ("Statistiques mutualisées", "Pooled statistics"),
        Research = "research" ("Recherche", "Research"),
        Marketing = "marketing" ("Marketing", "Marketing"),
    }
}

code_enum! {
    /// What a user of the portal may do.
    Role {
        Coordinator = "coordinator" ("Coordination du consortium", "Consortium coordinator"),
        MemberAdmin = "member-admin" ("Administration du membre", "Member administrator"),
        MemberAnalyst = "member-analyst" ("Analyste du membre", "Member analyst"),
        Viewer = "viewer" ("Consultation", "Viewer"),
    }
}

code_enum! {
    /// Where a batch of records comes from.
    BatchKind {
        Import = "import" ("Importation", "Import"),
        Demo = "demo" ("Démonstration", "Demo"),
        Reference = "reference" ("Données de référence", "Reference data"),
        Entry = "entry" ("Saisie", "Manual entry"),
    }
}

code_enum! {
    /// Where a batch stands.
    BatchStatus {
        Committed = "committed" ("Validé", "Committed"),
        RolledBack = "rolled-back" ("Annulé", "Rolled back"),
    }
}

record! {
    /// Which member, batch and source row a record comes from.
    #[derive(Default)]
    Provenance {
        member_id: Option<MemberId> => ("Membre détenteur", "Owning member"),
        batch_id: Option<BatchId> => ("Lot d'importation", "Import batch"),
        source_row: Option<i64> => ("Ligne du fichier source", "Source file row"),
    }
}

record! {
    /// A pointer to a person, group or organization.
    AgentRef {
        kind: AgentKind => ("Type d'agent", "Agent kind"),
        agent_id: i64 => ("Identifiant de l'agent", "Agent identifier"),
    }
}

record! {
    /// A credit: who did what in a show or work (Datascène `Contribution`).
    Contribution {
        agent: AgentRef => ("Contributeur", "Contributor"),
        role: ContributionRoleCode => ("Rôle", "Role"),
        billing_order: Option<u32> => ("Ordre au générique", "Billing order"),
    }
}

record! {
    /// One way a hall can be set up, with its capacity (Datascène `configurationSalle`).
    HallConfiguration {
        kind: HallConfigurationCode => ("Configuration", "Configuration"),
        capacity: u32 => ("Capacité", "Capacity"),
    }
}

record! {
    /// A hall's technical specifications (Datascène `specificationSalle`).
    #[derive(Default)]
    TechnicalSpecs {
        stage_opening_width_m: Option<f64> => ("Ouverture de scène (m)", "Stage opening width (m)"),
        stage_depth_m: Option<f64> => ("Profondeur de scène (m)", "Stage depth (m)"),
        stage_height_m: Option<f64> => ("Hauteur sous cadre (m)", "Stage height (m)"),
        grid_height_m: Option<f64> => ("Hauteur du gril (m)", "Grid height (m)"),
        power_amps: Option<u32> => ("Puissance électrique (A)", "Electrical power (A)"),
        crew: Option<u32> => ("Techniciens disponibles", "House crew"),
        loading: Option<LoadingAccess> => ("Accès au chargement", "Loading access"),
        wheelchair_accessible: Option<bool> => ("Accessible en fauteuil roulant", "Wheelchair accessible"),
    }
}

record! {
    /// One line of a technical rider: a minimum the hall must meet.
    RiderRequirement {
        item: Option<RiderItem> => ("Exigence", "Requirement"),
        minimum: f64 => ("Minimum", "Minimum"),
        note: Option<String> => ("Note", "Note"),
    }
}

entity! {
    /// An organisation: company, presenter, agency, venue operator, funder or network.
    Organization (OrganizationId) {
        table: "organizations",
        label: ("Organisation", "Organization"),
        about: ("Une organisation du milieu : compagnie, diffuseur, agence, bailleur de fonds ou réseau.",
                "An organisation of the sector: company, presenter, agency, funder or network."),
        datascene: "Contributeur (organisation)",
        schema_org: "Organization",
        private: false,
    }
    {
        name: String => ("Nom", "Name"),
        #[serde(default)]
        roles: Vec<ValueChainRole> => ("Rôles dans la chaîne de valeur", "Value-chain roles"),
        municipality: Option<String> => ("Municipalité", "Municipality"),
        postal_code: Option<String> => ("Code postal", "Postal code"),
        region_code: Option<RegionCode> => ("Région administrative", "Administrative region"),
        website: Option<String> => ("Site web", "Website"),
        #[serde(default)]
        identifiers: Identifiers => ("Identifiants externes", "External identifiers"),
    }
}

entity! {
    /// An organisation that belongs to the consortium: the unit of tenancy.
    Member (MemberId) {
        table: "members",
        label: ("Membre", "Member"),
        about: ("Une organisation membre du consortium ; chaque donnée privée appartient à un membre.",
                "An organisation that belongs to the consortium; every private record belongs to a member."),
        datascene: "",
        schema_org: "Organization",
        private: false,
    }
    {
        slug: String => ("Code court", "Short code"),
        organization_id: OrganizationId => ("Organisation", "Organization"),
        joined_on: NaiveDate => ("Date d'adhésion", "Joined on"),
        privacy_officer_title: Option<String> => ("Responsable de la protection des renseignements personnels (fonction)", "Person in charge of personal information (title)"),
    }
}

entity! {
    /// A person credited in the arts: artist, author, designer.
    Person (PersonId) {
        table: "persons",
        label: ("Personne", "Person"),
        about: ("Une personne créditée : artiste, autrice, concepteur. Jamais un spectateur.",
                "A credited person: artist, author, designer. Never an audience member."),
        datascene: "Contributeur (personne)",
        schema_org: "Person",
        private: false,
    }
    {
        name: String => ("Nom", "Name"),
        home_municipality: Option<String> => ("Municipalité d'attache", "Home municipality"),
        #[serde(default)]
        identifiers: Identifiers => ("Identifiants externes", "External identifiers"),
    }
}

entity! {
    /// A performing group: company, band, ensemble.
    Group (GroupId) {
        table: "performing_groups",
        label: ("Groupe", "Group"),
        about: ("Un groupe d'interprètes : compagnie, formation musicale, ensemble.",
                "A performing group: company, band, ensemble."),
        datascene: "Contributeur (groupe)",
        schema_org: "PerformingGroup",
        private: false,
    }
    {
        name: String => ("Nom", "Name"),
        #[serde(default)]
        disciplines: Vec<DisciplineCode> => ("Disciplines", "Disciplines"),
        home_municipality: Option<String> => ("Municipalité d'attache", "Home municipality"),
        #[serde(default)]
        identifiers: Identifiers => ("Identifiants externes", "External identifiers"),
    }
}

entity! {
    /// A building where performances take place.
    Place (PlaceId) {
        table: "places",
        label: ("Lieu", "Place"),
        about: ("Un bâtiment de diffusion, avec son adresse et sa région.",
                "A building where performances take place, with its address and region."),
        datascene: "Lieu",
        schema_org: "Place",
        private: false,
    }
    {
        name: String => ("Nom", "Name"),
        street_address: Option<String> => ("Adresse", "Street address"),
        municipality: Option<String> => ("Municipalité", "Municipality"),
        postal_code: Option<String> => ("Code postal", "Postal code"),
        fsa: Option<String> => ("Région de tri d'acheminement (RTA)", "Forward sortation area (FSA)"),
        region_code: Option<RegionCode> => ("Région administrative", "Administrative region"),
        province: Option<String> => ("Province", "Province"),
        country: String => ("Pays (ISO 3166)", "Country (ISO 3166)"),
        latitude: Option<f64> => ("Latitude", "Latitude"),
        longitude: Option<f64> => ("Longitude", "Longitude"),
        operator_id: Option<OrganizationId> => ("Exploitant", "Operator"),
        #[serde(default)]
        identifiers: Identifiers => ("Identifiants externes", "External identifiers"),
    }
}

entity! {
    /// A hall inside a place, with its configurations and technical specifications.
    Hall (HallId) {
        table: "halls",
        label: ("Salle", "Hall"),
        about: ("Une salle d'un lieu : configurations, capacités et fiche technique.",
                "A hall inside a place: configurations, capacities and technical specifications."),
        datascene: "Salle",
        schema_org: "Place (containedInPlace)",
        private: false,
    }
    {
        place_id: PlaceId => ("Lieu", "Place"),
        name: String => ("Nom", "Name"),
        #[serde(default)]
        configurations: Vec<HallConfiguration> => ("Configurations", "Configurations"),
        #[serde(default)]
        specs: TechnicalSpecs => ("Fiche technique", "Technical specifications"),
        #[serde(default)]
        identifiers: Identifiers => ("Identifiants externes", "External identifiers"),
    }
}

entity! {
    /// A work of art that shows stage (Datascène `Oeuvre`).
    Work (WorkId) {
        table: "works",
        label: ("Œuvre", "Work"),
        about: ("Une œuvre, créée une fois, que des spectacles mettent en scène.",
                "A work, created once, that shows put on stage."),
        datascene: "Oeuvre",
        schema_org: "CreativeWork",
        private: false,
    }
    {
        title: String => ("Titre", "Title"),
        year: Option<i32> => ("Année de création", "Year of creation"),
        #[serde(default)]
        contributions: Vec<Contribution> => ("Contributions", "Contributions"),
        #[serde(default)]
        identifiers: Identifiers => ("Identifiants externes", "External identifiers"),
    }
}

entity! {
    /// A show as it tours (Datascène `Spectacle`).
    Show (ShowId) {
        table: "shows",
        label: ("Spectacle", "Show"),
        about: ("Un spectacle : titres, disciplines, publics, durée, générique et devis technique.",
                "A show: titles, disciplines, audiences, duration, credits and technical rider."),
        datascene: "Spectacle",
        schema_org: "EventSeries / PerformingArtsWork",
        private: false,
    }
    {
        slug: String => ("Code court", "Short code"),
        title_fr: String => ("Titre (français)", "Title (French)"),
        title_en: Option<String> => ("Titre (anglais)", "Title (English)"),
        work_id: Option<WorkId> => ("Œuvre", "Work"),
        #[serde(default)]
        disciplines: Vec<DisciplineCode> => ("Disciplines (ASQ)", "Disciplines (ASQ)"),
        #[serde(default)]
        genres: Vec<GenreCode> => ("Genres (Artsdata)", "Genres (Artsdata)"),
        #[serde(default)]
        audiences: Vec<AudienceCode> => ("Publics cibles", "Target audiences"),
        #[serde(default)]
        languages: Vec<String> => ("Langues (ISO 639-1)", "Languages (ISO 639-1)"),
        duration_minutes: Option<u32> => ("Durée (minutes)", "Duration (minutes)"),
        #[serde(default)]
        warnings: Vec<WarningCode> => ("Avertissements", "Warnings"),
        #[serde(default)]
        producer_ids: Vec<OrganizationId> => ("Producteurs", "Producers"),
        performer_group_id: Option<GroupId> => ("Groupe interprète", "Performing group"),
        agency_id: Option<OrganizationId> => ("Agence de représentation", "Representing agency"),
        #[serde(default)]
        contributions: Vec<Contribution> => ("Générique", "Credits"),
        #[serde(default)]
        rider: Vec<RiderRequirement> => ("Devis technique", "Technical rider"),
        #[serde(default)]
        identifiers: Identifiers => ("Identifiants externes", "External identifiers"),
    }
}

entity! {
    /// A festival, season or series of performances (Datascène `Série`).
    Series (SeriesId) {
        table: "series",
        label: ("Série", "Series"),
        about: ("Une saison, un festival ou une série de représentations.",
                "A season, festival or series of performances."),
        datascene: "Série",
        schema_org: "EventSeries / Festival",
        private: false,
    }
    {
        name: String => ("Nom", "Name"),
        kind: SeriesKind => ("Type", "Kind"),
        presenter_id: Option<OrganizationId> => ("Diffuseur", "Presenter"),
        starts_on: NaiveDate => ("Début", "Starts on"),
        ends_on: NaiveDate => ("Fin", "Ends on"),
    }
}

entity! {
    /// One performance of a show in a hall (Datascène `Représentation`).
    Performance (PerformanceId) {
        table: "performances",
        label: ("Représentation", "Performance"),
        about: ("Une représentation d'un spectacle, dans une salle, à une date et une heure.",
                "One performance of a show, in a hall, at a date and time."),
        datascene: "Représentation",
        schema_org: "Event",
        private: false,
    }
    {
        show_id: ShowId => ("Spectacle", "Show"),
        hall_id: HallId => ("Salle", "Hall"),
        presenter_id: OrganizationId => ("Diffuseur", "Presenter"),
        series_id: Option<SeriesId> => ("Série", "Series"),
        starts_at: DateTime<FixedOffset> => ("Début", "Starts at"),
        time_zone: String => ("Fuseau horaire (IANA)", "Time zone (IANA)"),
        status: EventStatus => ("Statut", "Status"),
        school: bool => ("Représentation scolaire", "School performance"),
    }
}

entity! {
    /// A price at which a performance is offered (Datascène `Offre`).
    Offer (OfferId) {
        table: "offers",
        label: ("Offre", "Offer"),
        about: ("Un prix auquel une représentation est offerte.",
                "A price at which a performance is offered."),
        datascene: "Offre",
        schema_org: "Offer",
        private: false,
    }
    {
        performance_id: PerformanceId => ("Représentation", "Performance"),
        price_type: PriceType => ("Type de prix", "Price type"),
        price: Option<Cents> => ("Prix (cents)", "Price (cents)"),
        currency: String => ("Devise (ISO 4217)", "Currency (ISO 4217)"),
        is_free: bool => ("Gratuit", "Free"),
        sold_out: bool => ("Complet", "Sold out"),
        url: Option<String> => ("Lien d'achat", "Purchase link"),
    }
}

entity! {
    /// A deal between a show and a presenter, from inquiry to contract.
    Engagement (EngagementId) {
        table: "engagements",
        label: ("Engagement", "Engagement"),
        about: ("Une entente en cours entre un spectacle et un diffuseur : de la demande au contrat.",
                "A deal between a show and a presenter, from inquiry to contract."),
        datascene: "",
        schema_org: "",
        private: true,
    }
    {
        show_id: ShowId => ("Spectacle", "Show"),
        presenter_id: OrganizationId => ("Diffuseur", "Presenter"),
        hall_id: Option<HallId> => ("Salle", "Hall"),
        tour_id: Option<TourId> => ("Tournée", "Tour"),
        performance_date: NaiveDate => ("Date de représentation", "Performance date"),
        status: EngagementStatus => ("Statut", "Status"),
        hold_level: Option<u32> => ("Rang de l'option", "Hold level"),
        deal_type: DealType => ("Type d'entente", "Deal type"),
        fee: Option<Cents> => ("Cachet (cents)", "Fee (cents)"),
        currency: String => ("Devise (ISO 4217)", "Currency (ISO 4217)"),
        radius_km: Option<u32> => ("Clause d'exclusivité : rayon (km)", "Radius clause (km)"),
        radius_days: Option<u32> => ("Clause d'exclusivité : durée (jours)", "Radius clause (days)"),
    }
}

entity! {
    /// A tour of a show.
    Tour (TourId) {
        table: "tours",
        label: ("Tournée", "Tour"),
        about: ("Une tournée d'un spectacle entre deux dates.",
                "A tour of a show between two dates."),
        datascene: "",
        schema_org: "",
        private: true,
    }
    {
        show_id: ShowId => ("Spectacle", "Show"),
        name: String => ("Nom", "Name"),
        starts_on: NaiveDate => ("Début", "Starts on"),
        ends_on: NaiveDate => ("Fin", "Ends on"),
        home_municipality: Option<String> => ("Point de départ", "Home base"),
    }
}

entity! {
    /// Dates when a show is blocked or confirmed, or when a presenter programs or does not.
    Availability (AvailabilityId) {
        table: "availabilities",
        label: ("Disponibilité", "Availability"),
        about: ("Des dates bloquées ou confirmées pour un spectacle, ou la fenêtre de programmation d'un diffuseur.",
                "Dates blocked or confirmed for a show, or a presenter's season window or blackout."),
        datascene: "",
        schema_org: "",
        private: true,
    }
    {
        show_id: Option<ShowId> => ("Spectacle", "Show"),
        organization_id: Option<OrganizationId> => ("Organisation", "Organization"),
        kind: AvailabilityKind => ("Type", "Kind"),
        starts_on: NaiveDate => ("Début", "Starts on"),
        ends_on: NaiveDate => ("Fin", "Ends on"),
        note: Option<String> => ("Note", "Note"),
    }
}

entity! {
    /// The box-office settlement of one performance.
    Settlement (SettlementId) {
        table: "settlements",
        label: ("Reddition de comptes", "Settlement"),
        about: ("Le bilan de billetterie d'une représentation, saisi une fois par le diffuseur.",
                "The box-office settlement of one performance, entered once by the presenter."),
        datascene: "",
        schema_org: "",
        private: true,
    }
    {
        performance_id: PerformanceId => ("Représentation", "Performance"),
        capacity_offered: u32 => ("Jauge offerte", "Capacity offered"),
        paid: u32 => ("Billets payants", "Paid tickets"),
        complimentary: u32 => ("Billets de faveur", "Complimentary tickets"),
        free_admissions: u32 => ("Entrées libres", "Free admissions"),
        gross: Cents => ("Recettes brutes (cents)", "Gross box office (cents)"),
        taxes: Cents => ("Taxes (cents)", "Taxes (cents)"),
        fees: Cents => ("Frais (cents)", "Fees (cents)"),
        net: Cents => ("Recettes nettes (cents)", "Net box office (cents)"),
        artist_fee: Cents => ("Cachet versé (cents)", "Artist fee paid (cents)"),
        currency: String => ("Devise (ISO 4217)", "Currency (ISO 4217)"),
        #[serde(default)]
        deal_type: Option<DealType> => ("Type d'entente", "Deal type"),
        #[serde(default)]
        artist_share_percent: Option<u32> => ("Part de l'artiste des recettes nettes (%)", "Artist's share of net box office (%)"),
    }
}

entity! {
    /// One line of a ticketing export, with a pseudonymous buyer.
    TicketSale (TicketSaleId) {
        table: "ticket_sales",
        label: ("Vente de billets", "Ticket sale"),
        about: ("Une ligne de billetterie ; l'acheteur n'y figure que par un pseudonyme à clé et sa RTA.",
                "One ticketing line; the buyer appears only as a keyed pseudonym and an FSA."),
        datascene: "",
        schema_org: "",
        private: true,
    }
    {
        performance_id: PerformanceId => ("Représentation", "Performance"),
        sold_at: DateTime<FixedOffset> => ("Moment de la vente", "Sold at"),
        price: Cents => ("Prix unitaire (cents)", "Unit price (cents)"),
        quantity: u32 => ("Quantité", "Quantity"),
        channel: SalesChannel => ("Canal de vente", "Sales channel"),
        price_type: PriceType => ("Type de prix", "Price type"),
        buyer_key: Option<PersonKey> => ("Acheteur (pseudonyme)", "Buyer (pseudonym)"),
        fsa: Option<String> => ("RTA de l'acheteur", "Buyer's FSA"),
        age_band: Option<AgeBand> => ("Tranche d'âge", "Age band"),
    }
}

entity! {
    /// A grant received by a member, with its report deadlines.
    Grant (GrantId) {
        table: "grants",
        label: ("Subvention", "Grant"),
        about: ("Une subvention reçue par un membre, avec ses échéances de reddition.",
                "A grant received by a member, with its report due dates."),
        datascene: "",
        schema_org: "MonetaryGrant",
        private: true,
    }
    {
        funder_id: OrganizationId => ("Bailleur de fonds", "Funder"),
        programme: String => ("Programme", "Programme"),
        amount: Cents => ("Montant (cents)", "Amount (cents)"),
        currency: String => ("Devise (ISO 4217)", "Currency (ISO 4217)"),
        starts_on: NaiveDate => ("Début de la période", "Period start"),
        ends_on: NaiveDate => ("Fin de la période", "Period end"),
        #[serde(default)]
        report_due_dates: Vec<NaiveDate> => ("Échéances de reddition", "Report due dates"),
    }
}

entity! {
    /// An entry of a member's data inventory.
    DataAsset (DataAssetId) {
        table: "data_assets",
        label: ("Actif de données", "Data asset"),
        about: ("Une entrée de l'inventaire des données d'un membre : ce qu'il détient, où, et à qui il l'envoie.",
                "An entry of a member's data inventory: what it holds, where, and whom it sends it to."),
        datascene: "",
        schema_org: "Dataset",
        private: true,
    }
    {
        name: String => ("Nom", "Name"),
        #[serde(default)]
        categories: Vec<DataCategory> => ("Catégories", "Categories"),
        system: Option<String> => ("Logiciel ou support", "System"),
        owner: Option<String> => ("Responsable (une fonction ou un service, pas une personne)", "Owner (a role or a team, not a person)"),
        format: DataFormat => ("Format", "Format"),
        quality: DeclaredQuality => ("Qualité déclarée", "Declared quality"),
        contains_personal_data: bool => ("Contient des renseignements personnels", "Contains personal information"),
        record_count: Option<i64> => ("Nombre approximatif d'enregistrements", "Approximate record count"),
        update_frequency: Frequency => ("Fréquence de mise à jour", "Update frequency"),
        #[serde(default)]
        sent_to: Vec<OrganizationId> => ("Envoyé à", "Sent to"),
    }
}

entity! {
    /// What a provider member lets a recipient see, for what purpose and how long.
    SharingAgreement (SharingAgreementId) {
        table: "sharing_agreements",
        label: ("Entente de partage", "Sharing agreement"),
        about: ("Ce qu'un membre fournisseur laisse voir à un destinataire, à quel niveau, pour quelle fin et pour combien de temps.",
                "What a provider member lets a recipient see, at what level, for what purpose and for how long."),
        datascene: "",
        schema_org: "",
        private: true,
    }
    {
        provider_id: MemberId => ("Fournisseur", "Provider"),
        recipient_member_id: Option<MemberId> => ("Destinataire (vide : tout le consortium)", "Recipient (empty: the whole consortium)"),
        dataset: Dataset => ("Jeu de données", "Dataset"),
        level: SharingLevel => ("Niveau", "Level"),
        purpose: Purpose => ("Finalité", "Purpose"),
        valid_from: NaiveDate => ("En vigueur le", "Valid from"),
        valid_until: Option<NaiveDate> => ("Jusqu'au", "Valid until"),
        leaves_quebec: bool => ("Les données sortent du Québec", "Data leaves Québec"),
        privacy_impact_assessment_on_file: bool => ("Évaluation des facteurs relatifs à la vie privée au dossier", "Privacy impact assessment on file"),
    }
}

entity! {
    /// A person's consent, per member and purpose; the person is known only by pseudonym.
    Consent (ConsentId) {
        table: "consents",
        label: ("Consentement", "Consent"),
        about: ("Le consentement d'une personne, par membre et par finalité ; la personne n'est connue que par son pseudonyme.",
                "A person's consent, per member and purpose; the person is known only by pseudonym."),
        datascene: "",
        schema_org: "",
        private: true,
    }
    {
        person_key: PersonKey => ("Personne (pseudonyme)", "Person (pseudonym)"),
        purpose: Purpose => ("Finalité", "Purpose"),
        granted: bool => ("Accordé", "Granted"),
        recorded_at: DateTime<FixedOffset> => ("Enregistré le", "Recorded at"),
        withdrawn_at: Option<DateTime<FixedOffset>> => ("Retiré le", "Withdrawn at"),
    }
}

entity! {
    /// One import, demo generation or reference load: the unit of provenance and rollback.
    Batch (BatchId) {
        table: "batches",
        label: ("Lot", "Batch"),
        about: ("Une importation, une génération de démonstration ou un chargement de référence : l'unité de provenance et d'annulation.",
                "One import, demo generation or reference load: the unit of provenance and rollback."),
        datascene: "",
        schema_org: "",
        private: true,
    }
    {
        kind: BatchKind => ("Type", "Kind"),
        file_name: Option<String> => ("Fichier source", "Source file"),
        file_sha256: Option<String> => ("Empreinte SHA-256 du fichier", "File SHA-256"),
        created_at: DateTime<FixedOffset> => ("Créé le", "Created at"),
        status: BatchStatus => ("Statut", "Status"),
        note: Option<String> => ("Note", "Note"),
    }
}

impl Settlement {
    /// The net box office: gross less taxes and fees (the one place it is computed, for the
    /// portal's form and for intake alike).
    pub fn net_of(gross: Cents, taxes: Cents, fees: Cents) -> Cents {
        Cents(gross.0 - taxes.0 - fees.0)
    }
}

impl Performance {
    /// When it starts on its own wall clock (its `time_zone`, America/Toronto when unknown): a
    /// database may give the moment back in another offset (PostgreSQL in UTC).
    pub fn local_start(&self) -> chrono::NaiveDateTime {
        let zone: chrono_tz::Tz = self.time_zone.parse().unwrap_or(chrono_tz::America::Toronto);
        self.starts_at.with_timezone(&zone).naive_local()
    }

    /// When it starts, with the offset of its own wall clock at that moment (what a published
    /// programme shows: `20:00-04:00`, never the database's UTC).
    pub fn starts_at_local(&self) -> chrono::DateTime<chrono::FixedOffset> {
        let zone: chrono_tz::Tz = self.time_zone.parse().unwrap_or(chrono_tz::America::Toronto);
        self.starts_at.with_timezone(&zone).fixed_offset()
    }

    /// Its date on its own wall clock.
    pub fn local_date(&self) -> NaiveDate {
        self.local_start().date()
    }
}
