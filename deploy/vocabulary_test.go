package deploy

// The publiccode.yml standard's vocabularies, as of the standard's 0.x
// versions (0.4, 0.5) that publiccode-parser-go v5 (Developers Italia's
// official parser) accepts: its validators/v0.go and the `oneof` lists of
// its v0 types.

var categories = words(`accounting agile-project-management applicant-tracking
application-development appointment-scheduling backup billing-and-invoicing blog
budgeting business-intelligence business-process-management cad
call-center-management cloud-management collaboration communications
compliance-management contact-management content-management crm
customer-service-and-support data-analytics data-collection data-visualization
design design-system digital-asset-management digital-citizenship
document-management donor-management e-commerce e-signature educational-content
email-management email-marketing employee-management
enterprise-project-management enterprise-social-networking erp event-management
facility-management feedback-and-reviews-management financial-reporting
fleet-management fundraising gamification geographic-information-systems
grant-management graphic-design help-desk hr ide identity-management
instant-messaging integrated-library-system inventory-management
it-asset-management it-development it-management it-security
it-service-management knowledge-management learning-management-system marketing
mind-mapping mobile-marketing mobile-payment network-management office
online-booking online-community payment-gateway payroll predictive-analysis
procurement productivity-suite project-collaboration project-management
property-management real-estate-management regulations-and-directives
remote-support resource-management sales-management seo service-desk
social-media-management survey talent-management task-management
taxes-management test-management time-management time-tracking translation
video-conferencing video-editing visitor-management voip warehouse-management
web-collaboration web-conferencing whistleblowing website-builder
workflow-management other`)

var scopes = words(`agriculture culture defence education emergency-services
employment energy environment finance-and-economic-development foreign-affairs
government healthcare infrastructures justice local-authorities manufacturing
research science-and-technology security society sport tourism transportation
welfare`)

var developmentStatuses = words(`concept development beta stable obsolete`)

var softwareTypes = words(`standalone/mobile standalone/iot standalone/desktop
standalone/web standalone/backend standalone/other addon library
configurationFiles`)

var maintenanceTypes = words(`internal contract community none`)

// platforms are the values the standard names; it also tolerates
// human-readable names, which this project does not use.
var platforms = words(`web windows mac linux ios android`)

var versions = words(`0 0.2 0.2.0 0.2.1 0.2.2 0.3 0.3.0 0.4 0.4.0 0.5 0.5.0 0.7 0.7.0`)

var countryExtensionVersions = words(`0.2 1.0`)
