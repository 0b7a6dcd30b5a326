/*
 * The snapshot tables' filter (templates/volume_protection/
 * _table_actions.html): while "Status =" is chosen, the statuses are
 * offered as a list, as the table shows them; otherwise the text box.
 * Only the one shown is enabled, so only it is submitted.
 */
(function () {
  'use strict';

  function showFieldInput($filter, field) {
    var byStatus = field === 'status';
    $filter.find('.volsnap-filter-text')
      .prop('disabled', byStatus).prop('hidden', byStatus);
    $filter.find('.volsnap-filter-status')
      .prop('disabled', !byStatus).prop('hidden', !byStatus);
  }

  $(document).on('change', '.volsnap-status-filter select[name$="_field"]',
    function () {
      var $select = $(this);
      showFieldInput($select.closest('.volsnap-status-filter'),
                     $select.val());
    });
}());
