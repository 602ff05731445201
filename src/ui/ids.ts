/**
 * Every identifier the extension shares with `package.json`, kept once. A test compares these
 * with the manifest so the two cannot drift apart.
 */
export const Commands = {
  declareIncident: 'freelms.declareIncident',
  showLog: 'freelms.showLog',
  acknowledgeAlert: 'freelms.acknowledgeAlert',
  joinIncident: 'freelms.joinIncident',
  setCredentials: 'freelms.setCredentials',
  retryDelivery: 'freelms.retryDelivery',
  addNote: 'freelms.addNote',
  assignRole: 'freelms.assignRole',
  changeSeverity: 'freelms.changeSeverity',
  updateStatus: 'freelms.updateStatus',
  resolveIncident: 'freelms.resolveIncident',
  generatePostmortem: 'freelms.generatePostmortem',
  openIncidentReport: 'freelms.openIncidentReport',
  postUpdate: 'freelms.postUpdate',
  openDashboard: 'freelms.openDashboard',
  selectContext: 'freelms.selectContext',
  refreshCluster: 'freelms.refreshCluster',
  showUnhealthyPods: 'freelms.showUnhealthyPods',
  showAllPods: 'freelms.showAllPods',
  showLogs: 'freelms.showLogs',
  showRecentErrors: 'freelms.showRecentErrors',
  rollbackDeployment: 'freelms.rollbackDeployment',
  scaleDeployment: 'freelms.scaleDeployment',
  toggleFeatureFlag: 'freelms.toggleFeatureFlag',
  runCorrectiveQuery: 'freelms.runCorrectiveQuery',
  runHealthCheck: 'freelms.runHealthCheck',
  checkDatabase: 'freelms.checkDatabase',
  redisStatus: 'freelms.redisStatus',
  kafkaLag: 'freelms.kafkaLag',
  initialAssessment: 'freelms.initialAssessment',
  verifyFix: 'freelms.verifyFix',
  runSmokeTests: 'freelms.runSmokeTests',
  stopWatch: 'freelms.stopWatch',
  addFollowUp: 'freelms.addFollowUp',
  completeFollowUp: 'freelms.completeFollowUp',
  removeFollowUp: 'freelms.removeFollowUp',
  exportFollowUps: 'freelms.exportFollowUps',
  schedulePostmortemReview: 'freelms.schedulePostmortemReview',
  updateRunbook: 'freelms.updateRunbook',
  /** Internal: a Diagnostics view row's click re-runs its check. */
  rerunDiagnostic: 'freelms.rerunDiagnostic',
  /** Internal: reveals an incident in the Incidents view (the status bar's click). */
  revealIncident: 'freelms.revealIncident',
} as const;

export const Views = {
  container: 'freelms',
  incidents: 'freelms.incidents',
  cluster: 'freelms.cluster',
  diagnostics: 'freelms.diagnostics',
} as const;

export const ContextKeys = {
  activated: 'freelms:activated',
  hasIncidents: 'freelms:hasIncidents',
  clusterConnected: 'freelms:clusterConnected',
  hasDiagnostics: 'freelms:hasDiagnostics',
  onlyUnhealthy: 'freelms:onlyUnhealthy',
} as const;

/** The settings section; every setting is `freelms.<area>.<name>`. */
export const SETTINGS_SECTION = 'freelms';
