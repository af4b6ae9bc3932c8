/**
 * The biology planted in the synthetic consortium: every constant the generator uses to tie
 * images, omics and outcome together. All of it is copied into truth.json, so an analysis of the
 * generated data can be checked against what was put in.
 */
export const PLANTED = {
  /** CT-like intensities (Hounsfield units) before scanner shift and noise. */
  imaging: {
    airHu: -1000,
    fatHu: -100,
    softTissueHu: 40,
    /** Body cross-section: an ellipse with these semi-axes, as fractions of the field of view. */
    bodySemiAxesFraction: [0.45, 0.36],
    /** The outer part of the body ellipse (beyond this fraction of its radius) is fat. */
    fatRingStartsAt: 0.85,
    /** Lowest and highest stored intensity (12-bit CT range). */
    clampHu: [-1024, 3071],
  },
  /** Tumor: an ellipsoid whose size depends on stage and whose mean intensity on the module score. */
  tumor: {
    baseHu: 60,
    /** Mean tumor intensity rises this much per unit of the expression module score z. */
    huPerModuleScore: 12,
    /** Mean radius by stage 1..4, for a 51.2 mm field of view (scaled with the field of view). */
    radiusMmByStage: [5, 7, 9, 11],
    radiusSdMm: 0.6,
    /** Each semi-axis is radius × (1 + N(0, this)), kept within ±30 %. */
    axisJitter: 0.1,
  },
  /** The driver mutation: makes tumor texture heterogeneous. */
  mutation: {
    gene: 'RGMUT1',
    prevalence: 0.35,
    variantClassification: 'Missense_Mutation',
    /** SD (HU) of the spatially smoothed noise added inside the tumor. */
    textureSdHu: { mutated: 35, wildType: 8 },
    /** The texture noise is box-blurred with this window radius (voxels). */
    textureSmoothingRadius: 1,
    /** Random passenger mutations in other genes: Poisson mean per patient, share that are Silent. */
    passengersPerPatient: 2.5,
    passengerSilentFraction: 0.35,
    passengerClassifications: ['Missense_Mutation', 'Nonsense_Mutation', 'Frame_Shift_Del', 'Splice_Site'],
  },
  /** The expression module: genes whose log expression loads on the latent score z ~ N(0, 1). */
  expression: {
    /** log(mean count) of each gene ~ N(log(150), 1). */
    logMeanCount: Math.log(150),
    logMeanCountSd: 1,
    /** |loading| ~ U(0.4, 0.8) log-fold per unit z; this share of module genes load positively. */
    loadingRange: [0.4, 0.8],
    positiveLoadingShare: 0.8,
    /** Per-sample library size factor exp(N(0, sd)) and per-gene-sample log noise N(0, sd). */
    librarySizeSd: 0.1,
    biologicalNoiseSd: 0.25,
  },
  clinical: {
    ageMean: 62,
    ageSd: 9,
    ageRange: [30, 90],
    stageProbabilities: [0.3, 0.3, 0.25, 0.15],
  },
  /**
   * Survival: exponential event time with hazard
   *   h = h0 · exp(β_mut·mut + β_z·z + β_stage·(stage − 1) + β_age·(age − 62)/10),
   * censored by an independent uniform time.
   */
  survival: {
    baselineHazardPerDay: 1 / 2000,
    beta: { mutation: 0.8, moduleScore: 0.6, stage: 0.5, agePer10Years: 0.3 },
    censoringDays: [180, 3000],
  },
  /** Scanner differences between centers: a global intensity shift and a noise level. */
  centers: {
    intensityShiftSdHu: 15,
    noiseSdHuRange: [8, 20],
  },
} as const;
